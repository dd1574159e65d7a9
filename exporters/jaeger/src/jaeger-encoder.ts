import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { encodeAgentDatagrams } from './agent-datagrams';
import { encodeCollectorBatch, encodeCollectorBodies } from './collector-bodies';
import { DatagramPacker, type OversizedSpan } from './datagram-packer';
import { encodeOtelSpans, encodeProcess, encodeSpans, writeOtelOrReferenceSpan, type EncodedSpanList, type FusedSpanOptions } from './span-list';
import type { JaegerClientStats } from './model';
import { toJaegerProcess } from './mapping/process';
import { toJaegerSpan, type SpanMappingOptions } from './mapping/span';
import { truncationSteps } from './mapping/truncate';
import { IdMemo } from './id-memo';
import { ScopeTagsCache } from './scope-tags';
import type { ThriftWriter } from './thrift/thrift-writer';
import { createWriter, type ThriftProtocol } from './thrift/writers';

export interface JaegerEncoderOptions extends SpanMappingOptions {
  /**
   * `agent-compact` / `agent-binary`: `emitBatch` datagrams for jaeger-agent's UDP ports 6831 / 6832;
   * `collector`: bare binary `Batch` bodies for `POST /api/traces`.
   */
  target: 'agent-compact' | 'agent-binary' | 'collector';
  /** max bytes per datagram or body (default 65,000 for the agent, 4 MiB for the collector) */
  maxPayloadBytes?: number;
  /** extra Process tags (e.g. `client-uuid`) */
  processTags?: Readonly<Record<string, string>>;
  /**
   * A span too large for `maxPayloadBytes` on its own is `drop`ped (default) or, with `truncate`, sent without its
   * logs, then also without its attribute tags, with a `polytrace.truncated` marker; dropped only if even that is
   * too large.
   */
  oversizedSpans?: 'drop' | 'truncate';
}

export interface JaegerPayload {
  /** one datagram or one HTTP body */
  readonly body: Uint8Array;
  /** exactly the spans in `body` */
  readonly spans: readonly ReadableSpan[];
  /** true for a lone span that is larger than `maxPayloadBytes` on its own: `body` is its (oversized) encoding */
  readonly tooLarge: boolean;
  /** true for a lone span sent with its logs and/or tags removed (`oversizedSpans: 'truncate'`) */
  readonly truncated?: boolean;
}

const MAX_RETAINED_SCRATCH = 8 * 1024 * 1024;

/**
 * Pure OTel → Jaeger Thrift encoder: spans in, datagrams or collector bodies out, no I/O. Spans are grouped by
 * Resource, one Jaeger Process (= one Batch) per Resource; each span is encoded once and datagrams are packed by
 * exact size. State: the datagram sequence number, reusable scratch buffers, and bounded caches of encoded bytes
 * (the Process per Resource, the scope tags per scope, the last trace/parent ids).
 */
export class JaegerEncoder {
  private readonly protocol: ThriftProtocol;
  private readonly forAgent: boolean;
  readonly maxPayloadBytes: number;
  private readonly mapping: SpanMappingOptions;
  private readonly processTags: Readonly<Record<string, string>>;
  private readonly truncate: boolean;
  private readonly processCache = new WeakMap<Resource, Uint8Array>();
  /** the hot path's options, with the per-scope tag bytes it reuses across calls */
  private readonly fused: FusedSpanOptions;
  /** agent targets: spans are encoded straight into datagram-sized chunks (see datagram-packer.ts) */
  private readonly packer: DatagramPacker | undefined;
  private nextSeqNo = 1;
  /** reused across calls: span bytes are copied into datagrams/bodies before `encode` returns */
  private scratch: ThriftWriter;

  constructor(options: JaegerEncoderOptions) {
    this.forAgent = options.target !== 'collector';
    this.protocol = options.target === 'agent-compact' ? 'compact' : 'binary';
    this.maxPayloadBytes = options.maxPayloadBytes ?? (this.forAgent ? 65_000 : 4 * 1024 * 1024);
    this.mapping = { legacyLibraryTags: options.legacyLibraryTags };
    this.processTags = options.processTags ?? {};
    this.truncate = options.oversizedSpans === 'truncate';
    this.scratch = createWriter(this.protocol, this.forAgent ? 64 : 64 * 1024); // the collector's (agents: the packer's)
    this.packer = this.forAgent ? new DatagramPacker(this.protocol, this.maxPayloadBytes) : undefined;
    this.fused = { ...this.mapping, scopeTags: new ScopeTagsCache(this.protocol, options.legacyLibraryTags !== false), ids: new IdMemo() };
  }

  /**
   * Encodes the spans. For the agent, datagrams carry `Batch.seqNo` (incremented per datagram) and, when given,
   * `stats` as `Batch.stats` so a v1 agent can report client-side loss.
   */
  encode(spans: readonly ReadableSpan[], stats?: JaegerClientStats): JaegerPayload[] {
    const payloads: JaegerPayload[] = [];
    for (const [resource, group] of groupByResource(spans)) {
      const processBytes = this.processBytes(resource);
      if (this.packer) this.datagrams(this.packer, processBytes, group, stats, payloads);
      else this.bodies(encodeOtelSpans(this.protocol, group, this.fused, this.scratch), processBytes, group, payloads);
    }
    // keep the scratch buffer for typical batches, but never pin what one huge export grew it to
    if (this.scratch.buffer.length > MAX_RETAINED_SCRATCH) this.scratch = createWriter(this.protocol, 64 * 1024);
    return payloads;
  }

  private datagrams(
    packer: DatagramPacker,
    processBytes: Uint8Array,
    group: readonly ReadableSpan[],
    stats: JaegerClientStats | undefined,
    out: JaegerPayload[],
  ): void {
    packer.begin({ processBytes, firstSeqNo: this.nextSeqNo, stats });
    for (let i = 0; i < group.length; i++) {
      writeOtelOrReferenceSpan(packer.writer, group[i], this.fused);
      packer.commit(i);
    }
    const plan = packer.finish();
    this.nextSeqNo += plan.datagrams.length;
    for (const d of plan.datagrams) out.push({ body: d.bytes, spans: d.spanIndexes.map((i) => group[i]), tooLarge: false });
    for (const oversized of plan.tooLarge) {
      const span = group[oversized.index];
      const shrunk = this.truncate ? this.truncated(span, (one) => singleSpanDatagram(one, processBytes)) : undefined;
      if (shrunk) out.push({ body: shrunk, spans: [span], tooLarge: false, truncated: true });
      else out.push({ body: singleSpanDatagram(loneSpan(this.protocol, oversized), processBytes), spans: [span], tooLarge: true });
    }
  }

  private bodies(encoded: EncodedSpanList, processBytes: Uint8Array, group: readonly ReadableSpan[], out: JaegerPayload[]): void {
    const plan = encodeCollectorBodies(encoded, processBytes, this.maxPayloadBytes);
    for (const b of plan.bodies) out.push({ body: b.bytes, spans: b.spanIndexes.map((i) => group[i]), tooLarge: false });
    for (const i of plan.tooLarge) {
      const shrunk = this.truncate ? this.truncated(group[i], (one) => encodeCollectorBatch(one, processBytes, [0])) : undefined;
      if (shrunk) out.push({ body: shrunk, spans: [group[i]], tooLarge: false, truncated: true });
      else out.push({ body: encodeCollectorBatch(encoded, processBytes, [i]), spans: [group[i]], tooLarge: true });
    }
  }

  /** The first truncation step whose payload (built by `frame`) fits, or undefined. */
  private truncated(span: ReadableSpan, frame: (one: EncodedSpanList) => Uint8Array): Uint8Array | undefined {
    for (const step of truncationSteps(toJaegerSpan(span, this.mapping))) {
      const body = frame(encodeSpans(this.protocol, [step]));
      if (body.length <= this.maxPayloadBytes) return body;
    }
    return undefined;
  }

  private processBytes(resource: Resource | undefined): Uint8Array {
    if (resource === undefined) return encodeProcess(this.protocol, toJaegerProcess(undefined, this.processTags));
    let bytes = this.processCache.get(resource);
    if (bytes === undefined) {
      bytes = encodeProcess(this.protocol, toJaegerProcess(resource, this.processTags));
      this.processCache.set(resource, bytes);
    }
    return bytes;
  }
}

function loneSpan(protocol: ThriftProtocol, span: OversizedSpan): EncodedSpanList {
  return { protocol, bytes: span.bytes, offsets: Uint32Array.of(0, span.bytes.length) };
}

/** The datagram the first span of `one` would need alone (hands an oversized span's real size to the caller). */
function singleSpanDatagram(one: EncodedSpanList, processBytes: Uint8Array): Uint8Array {
  return encodeAgentDatagrams(one, { protocol: one.protocol, processBytes, maxPacketSize: Number.MAX_SAFE_INTEGER }).datagrams[0].bytes;
}

function groupByResource(spans: readonly ReadableSpan[]): Map<Resource | undefined, readonly ReadableSpan[]> {
  // the usual case: one provider, one Resource for the whole batch
  const first = spans[0]?.resource as Resource | undefined;
  let i = 1;
  while (i < spans.length && spans[i].resource === first) i++;
  if (i >= spans.length) return new Map([[first, spans]]);
  const groups = new Map<Resource | undefined, ReadableSpan[]>();
  for (const span of spans) {
    const resource = span.resource as Resource | undefined;
    const group = groups.get(resource);
    if (group) group.push(span);
    else groups.set(resource, [span]);
  }
  return groups;
}
