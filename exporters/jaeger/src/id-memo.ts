import { hex16, traceIdHalves } from './mapping/ids';
import { hex8At } from './thrift/thrift-writer';

/**
 * The 32-bit words of the last trace id and of the last parent span id written. Spans of one trace end close
 * together, so consecutive spans of a batch mostly share their trace id and often their parent: a hit is one string
 * comparison (usually by identity, the SDK hands a child its parent's id strings) instead of parsing 16–32 hex
 * digits. One entry each, so nothing accumulates.
 */
export class IdMemo {
  private traceId: string | undefined;
  private parentId: string | undefined;
  /** high, low halves of the last trace id as [hi32, lo32, hi32, lo32] */
  private readonly trace = new Int32Array(4);
  private readonly parent = new Int32Array(2);

  /** [high half hi, high half lo, low half hi, low half lo] of a (possibly 64-bit or odd-length) trace id */
  traceWords(traceId: string): Int32Array {
    if (traceId !== this.traceId) {
      const t = this.trace;
      if (traceId.length === 32) {
        for (let k = 0; k < 4; k++) t[k] = hex8At(traceId, 8 * k);
      } else {
        const [high, low] = traceIdHalves(traceId);
        t[0] = hex8At(high, 0);
        t[1] = hex8At(high, 8);
        t[2] = hex8At(low, 0);
        t[3] = hex8At(low, 8);
      }
      this.traceId = traceId;
    }
    return this.trace;
  }

  /** [hi, lo] of a parent span id (left-padded to 16 hex digits) */
  parentWords(spanId: string): Int32Array {
    if (spanId !== this.parentId) {
      const id = spanId.length === 16 ? spanId : hex16(spanId);
      this.parent[0] = hex8At(id, 0);
      this.parent[1] = hex8At(id, 8);
      this.parentId = spanId;
    }
    return this.parent;
  }
}
