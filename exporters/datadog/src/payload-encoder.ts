/**
 * Pure encoder (spans in, payloads out): groups spans into one chunk per trace, maps them and packs chunks into
 * payloads of at most `maxPayloadBytes`. A trace too big for the room left is split: the next payload continues
 * it as a new chunk whose first span carries the chunk tags again.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { EncodedPayload } from '@polytrace/exporter-base';
import type { ChunkEncoder } from './chunk-encoder';
import { V04Encoder } from './encoder-v04';
import { V05Encoder } from './encoder-v05';
import { ReusableDatadogSpan } from './datadog-span';
import { SpanMapper, type SpanMapperOptions } from './span-mapper';

export type DatadogProtocol = '0.4' | '0.5';

/** dd-trace's soft flush limit; the agent's own limit (`/info` max_request_bytes, 25 MiB by default) may be lower. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 8 * 1024 * 1024;

export interface DatadogEncoderOptions extends SpanMapperOptions {
  protocol?: DatadogProtocol;
  maxPayloadBytes?: number;
}

export interface DatadogPayload extends EncodedPayload {
  readonly traceCount: number;
}

export class DatadogEncoder {
  readonly protocol: DatadogProtocol;
  maxPayloadBytes: number;
  private readonly mapper: SpanMapper;
  private readonly chunks: ChunkEncoder;
  /** Each span is mapped into this one object and encoded right away. */
  private readonly scratch = new ReusableDatadogSpan();

  constructor(options: DatadogEncoderOptions = {}) {
    this.protocol = options.protocol ?? '0.4';
    this.maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
    this.mapper = new SpanMapper(options);
    this.chunks = this.protocol === '0.5' ? new V05Encoder() : new V04Encoder();
  }

  encode(spans: readonly ReadableSpan[]): DatadogPayload[] {
    const payloads: DatadogPayload[] = [];
    const enc = this.chunks;
    const limit = this.maxPayloadBytes;
    let included: ReadableSpan[] = [];
    let chunkOpen = false;
    let first = true;
    const startChunk = (): void => {
      enc.beginChunk();
      chunkOpen = true;
      first = true;
    };
    const flush = (): void => {
      if (chunkOpen) enc.endChunk();
      chunkOpen = false;
      const body = enc.finish();
      const traceCount = enc.chunkCount;
      if (included.length > 0) {
        payloads.push({ body, spans: included, traceCount, headers: { 'X-Datadog-Trace-Count': String(traceCount) } });
      }
      enc.beginPayload();
      included = [];
    };

    enc.beginPayload();
    for (const group of groupByTrace(spans)) {
      const info = this.mapper.beginTrace(group);
      startChunk();
      for (let i = 0; i < group.length; i++) {
        const mapped = this.mapper.mapSpan(group[i], info, this.scratch);
        const mark = enc.mark();
        enc.writeSpan(mapped, first);
        if (enc.size() > limit && included.length > 0) {
          // Does not fit: close this payload without the span and continue the trace in a new chunk.
          enc.rollback(mark);
          flush();
          startChunk();
          enc.writeSpan(mapped, true);
        }
        included.push(group[i]);
        first = false;
        // A span that alone exceeds the limit goes out by itself, so the refusal is counted against it only.
        if (enc.size() > limit) {
          flush();
          startChunk();
        }
      }
      enc.endChunk();
      chunkOpen = false;
    }
    if (included.length > 0) flush();
    return payloads;
  }
}

/** Groups by trace id, keeping first-seen order of traces and spans. */
function groupByTrace(spans: readonly ReadableSpan[]): ReadableSpan[][] {
  const byTrace = new Map<string, ReadableSpan[]>();
  let lastId = '';
  let lastGroup: ReadableSpan[] | undefined;
  for (const span of spans) {
    const id = span.spanContext().traceId;
    // spans of one trace often end next to each other: skip the lookup then
    if (id === lastId && lastGroup !== undefined) {
      lastGroup.push(span);
      continue;
    }
    let group = byTrace.get(id);
    if (group) group.push(span);
    else byTrace.set(id, (group = [span]));
    lastId = id;
    lastGroup = group;
  }
  return [...byTrace.values()];
}
