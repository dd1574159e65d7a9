import { appendSpans, spanSize, type EncodedSpanList } from './span-list';
import { createWriter } from './thrift/writers';

/* HTTP bodies for jaeger-collector's `POST /api/traces` (spec §2.4): a bare binary-protocol `Batch`. */

/** The collector body: a bare binary-protocol `Batch { 1: process, 2: spans }` (no envelope, no seqNo). */
export function encodeCollectorBatch(
  spans: EncodedSpanList,
  processBytes: Uint8Array,
  indexes?: readonly number[],
): Uint8Array {
  if (spans.protocol !== 'binary') throw new TypeError('the collector only accepts the binary protocol');
  const all = indexes ?? Array.from({ length: spans.offsets.length - 1 }, (_, i) => i);
  let size = processBytes.length + 3 + 8 + 1;
  for (const i of all) size += spanSize(spans, i);
  const w = createWriter('binary', size);
  w.structBegin();
  w.fieldStruct(1);
  w.rawStruct(processBytes);
  w.fieldStructList(2, all.length);
  appendSpans(w, spans, all);
  w.structEnd();
  return w.buffer.subarray(0, w.length);
}

/** Exact size of a collector body carrying the given span indexes. */
export function collectorBatchSize(spans: EncodedSpanList, processBytes: Uint8Array, indexes: readonly number[]): number {
  let size = processBytes.length + 3 + 8 + 1;
  for (const i of indexes) size += spanSize(spans, i);
  return size;
}

export interface CollectorBody {
  readonly bytes: Uint8Array;
  readonly spanIndexes: readonly number[];
}

/** Splits the spans, in order, into collector bodies of at most `maxBodyBytes`; a span too large alone is listed. */
export function encodeCollectorBodies(
  spans: EncodedSpanList,
  processBytes: Uint8Array,
  maxBodyBytes: number,
): { bodies: CollectorBody[]; tooLarge: number[] } {
  const bodies: CollectorBody[] = [];
  const tooLarge: number[] = [];
  const overhead = collectorBatchSize(spans, processBytes, []);
  const n = spans.offsets.length - 1;
  let taken: number[] = [];
  let size = overhead;
  const flush = (): void => {
    if (taken.length > 0) bodies.push({ bytes: encodeCollectorBatch(spans, processBytes, taken), spanIndexes: taken });
    taken = [];
    size = overhead;
  };
  for (let i = 0; i < n; i++) {
    const s = spanSize(spans, i);
    if (overhead + s > maxBodyBytes) {
      tooLarge.push(i);
      continue;
    }
    if (size + s > maxBodyBytes) flush();
    taken.push(i);
    size += s;
  }
  flush();
  return { bodies, tooLarge };
}
