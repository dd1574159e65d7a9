import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { writeOtelSpan, type SpanWriteCaches } from './encode-otel-span';
import { IdMemo } from './id-memo';
import { toJaegerSpan } from './mapping/span';
import { ScopeTagsCache } from './scope-tags';
import type { JaegerProcess, JaegerSpan } from './model';
import { writeProcess, writeSpan } from './thrift/jaeger-structs';
import type { ThriftWriter } from './thrift/thrift-writer';
import { createWriter, type ThriftProtocol } from './thrift/writers';

/*
 * Every span of an export is encoded exactly once into one buffer; datagrams and bodies are then assembled from
 * those bytes (see agent-datagrams.ts, collector-bodies.ts). A struct's encoding does not depend on its position
 * (compact field-id deltas restart in every struct), so each span's size is exact wherever it ends up.
 */

export interface EncodedSpanList {
  readonly protocol: ThriftProtocol;
  /** all spans' struct bytes back to back */
  readonly bytes: Uint8Array;
  /** span i occupies bytes [offsets[i], offsets[i + 1]) */
  readonly offsets: Uint32Array;
}

export function encodeSpans(protocol: ThriftProtocol, spans: readonly JaegerSpan[]): EncodedSpanList {
  const w = createWriter(protocol, Math.max(1024, spans.length * 512));
  const offsets = new Uint32Array(spans.length + 1);
  for (let i = 0; i < spans.length; i++) {
    offsets[i] = w.length;
    writeSpan(w, spans[i]);
  }
  offsets[spans.length] = w.length;
  return { protocol, bytes: w.buffer, offsets };
}

/** The options of the fused hot path, with what it keeps across spans and calls (see `SpanWriteCaches`). */
export interface FusedSpanOptions extends SpanWriteCaches {
  legacyLibraryTags?: boolean;
}

/** One OTel span as a Thrift span struct: the fused hot path, or the reference mapping for the spans it declines. */
export function writeOtelOrReferenceSpan(w: ThriftWriter, span: ReadableSpan, options: FusedSpanOptions): void {
  if (!writeOtelSpan(w, span, options)) writeSpan(w, toJaegerSpan(span, options));
}

/**
 * OTel spans straight to Thrift span structs (the hot path, see encode-otel-span.ts); spans it declines go through
 * the reference mapping. Same result as `encodeSpans(protocol, spans.map(toJaegerSpan))`.
 */
export function encodeOtelSpans(
  protocol: ThriftProtocol,
  spans: readonly ReadableSpan[],
  options: { legacyLibraryTags?: boolean; scopeTags?: ScopeTagsCache } = {},
  /** scratch writer of `protocol` to reuse (the result's bytes are then only valid until its next use) */
  scratch?: ThriftWriter,
): EncodedSpanList {
  const fused: FusedSpanOptions = {
    legacyLibraryTags: options.legacyLibraryTags,
    scopeTags: options.scopeTags ?? new ScopeTagsCache(protocol, options.legacyLibraryTags !== false),
    ids: new IdMemo(),
  };
  const w = scratch ?? createWriter(protocol, Math.max(1024, spans.length * 512));
  w.reset();
  w.reserve(spans.length * 512);
  const offsets = new Uint32Array(spans.length + 1);
  for (let i = 0; i < spans.length; i++) {
    offsets[i] = w.length;
    writeOtelOrReferenceSpan(w, spans[i], fused);
  }
  offsets[spans.length] = w.length;
  return { protocol, bytes: w.buffer, offsets };
}

export function encodeProcess(protocol: ThriftProtocol, process: JaegerProcess): Uint8Array {
  const w = createWriter(protocol, 256);
  writeProcess(w, process);
  return w.slice();
}

export function spanSize(list: EncodedSpanList, i: number): number {
  return list.offsets[i + 1] - list.offsets[i];
}

/** Appends the struct bytes of the given spans (contiguous runs are copied in one go). */
export function appendSpans(w: ThriftWriter, spans: EncodedSpanList, indexes: readonly number[]): void {
  let runStart = 0;
  for (let k = 1; k <= indexes.length; k++) {
    if (k < indexes.length && indexes[k] === indexes[k - 1] + 1) continue;
    w.rawStruct(spans.bytes, spans.offsets[indexes[runStart]], spans.offsets[indexes[k - 1] + 1]);
    runStart = k;
  }
}
