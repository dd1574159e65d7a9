/**
 * Pure encoder (spans in, payloads out): groups spans into one chunk per trace, maps them and packs chunks into
 * payloads of at most `maxPayloadBytes`. A trace too big for the room left is split: the next payload continues
 * it as a new chunk whose first span carries the chunk tags again.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { EncodedPayload } from '@polytrace/exporter-base';
import type { ChunkEncoder } from './chunk-encoder';
import { SpanMapper, type SpanMapperOptions } from './span-mapper';
import { V04SpanWriter } from './span-writer-v04';
import { V05SpanWriter } from './span-writer-v05';

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
  // state of the `encode` call in progress
  private payloads: DatadogPayload[] = [];
  private included: ReadableSpan[] = [];

  constructor(options: DatadogEncoderOptions = {}) {
    this.protocol = options.protocol ?? '0.4';
    this.maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
    this.mapper = new SpanMapper(options);
    this.chunks = this.protocol === '0.5' ? new V05SpanWriter(this.mapper) : new V04SpanWriter(this.mapper);
  }

  encode(spans: readonly ReadableSpan[]): DatadogPayload[] {
    this.payloads = [];
    this.included = [];
    this.chunks.beginPayload();
    const groups = groupByTrace(spans);
    for (let g = 0; g < groups.length; g++) this.writeTrace(groups[g]);
    if (this.included.length > 0) this.finishPayload();
    const payloads = this.payloads;
    this.payloads = [];
    this.included = [];
    return payloads;
  }

  // The per-span loop lives in its own method (called once per trace) rather than in `encode`: as a loop
  // nested in `encode` it ran as on-stack-replacement code that V8 deoptimized at the end of every call.
  private writeTrace(group: readonly ReadableSpan[]): void {
    const enc = this.chunks;
    const limit = this.maxPayloadBytes;
    const info = this.mapper.beginTrace(group);
    enc.beginChunk();
    let first = true;
    for (let i = 0; i < group.length; i++) {
      const span = group[i];
      const mark = enc.mark();
      enc.writeSpan(span, info, first);
      if (enc.size() > limit && this.included.length > 0) {
        // Does not fit: close this payload without the span and continue the trace in a new chunk.
        enc.rollback(mark);
        enc.endChunk();
        this.finishPayload();
        enc.beginChunk();
        enc.writeSpan(span, info, true);
      }
      this.included.push(span);
      first = false;
      // A span that alone exceeds the limit goes out by itself, so the refusal is counted against it only.
      if (enc.size() > limit) {
        enc.endChunk();
        this.finishPayload();
        enc.beginChunk();
        first = true;
      }
    }
    enc.endChunk();
  }

  /** Closes the payload (its chunks already closed) and starts the next one. */
  private finishPayload(): void {
    const enc = this.chunks;
    const body = enc.finish();
    const traceCount = enc.chunkCount;
    const spans = this.included;
    if (spans.length > 0) {
      this.payloads.push({ body, spans, traceCount, headers: { 'X-Datadog-Trace-Count': String(traceCount) } });
    }
    this.included = [];
    enc.beginPayload();
  }
}

/** Groups by trace id, keeping first-seen order of traces and spans. */
function groupByTrace(spans: readonly ReadableSpan[]): ReadableSpan[][] {
  const byTrace = new Map<string, ReadableSpan[]>();
  const groups: ReadableSpan[][] = [];
  let lastId = '';
  let lastGroup: ReadableSpan[] | undefined;
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i];
    const id = span.spanContext().traceId;
    // spans of one trace often end next to each other: skip the lookup then
    if (id === lastId && lastGroup !== undefined) {
      lastGroup.push(span);
      continue;
    }
    let group = byTrace.get(id);
    if (group) group.push(span);
    else {
      group = [span];
      byTrace.set(id, group);
      groups.push(group);
    }
    lastId = id;
    lastGroup = group;
  }
  return groups;
}
