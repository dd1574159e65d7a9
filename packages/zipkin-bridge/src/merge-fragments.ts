import type { ZipkinAnnotation, ZipkinSpan } from '@polytrace/exporter-zipkin';

/** Same (traceId, id), and kinds that can be the same span: equal, or one side does not say. */
export function fragmentsMatch(a: ZipkinSpan, b: ZipkinSpan): boolean {
  return a.kind === undefined || b.kind === undefined || a.kind === b.kind;
}

function unionAnnotations(a: ZipkinAnnotation[] | undefined, b: ZipkinAnnotation[] | undefined): ZipkinAnnotation[] | undefined {
  if (b === undefined || b.length === 0) return a;
  if (a === undefined || a.length === 0) return b;
  const seen = new Set(a.map((x) => `${x.timestamp}\u0000${x.value}`));
  const out = a.slice();
  for (const x of b) if (!seen.has(`${x.timestamp}\u0000${x.value}`)) out.push(x);
  return out.sort((x, y) => x.timestamp - y.timestamp);
}

/** zipkin-js reports the end of a span whose start it already flushed as a lone `finish` annotation. */
const FINISH = 'finish';

/**
 * Merges two reports of one span like Zipkin's `Span.Builder.merge`: tags merged, annotations unioned, and each
 * other field taken from `primary` when it has one, else from `other`. `primary` is the complete report (the one
 * with a timestamp) when there is one. Pure: returns a new span.
 */
export function mergeFragments(primary: ZipkinSpan, other: ZipkinSpan): ZipkinSpan {
  const merged: ZipkinSpan = { ...other, ...definedFields(primary) };
  if (primary.name === undefined || primary.name === '' || primary.name === 'unknown') if (other.name) merged.name = other.name;
  const annotations = unionAnnotations(primary.annotations, other.annotations);
  if (annotations !== undefined) merged.annotations = annotations;
  if (primary.tags !== undefined || other.tags !== undefined) merged.tags = { ...other.tags, ...primary.tags };
  if (primary.debug || other.debug) merged.debug = true;
  if (primary.shared || other.shared) merged.shared = true;
  if (merged.timestamp !== undefined && merged.duration === undefined && merged.annotations !== undefined) {
    // the end arrived separately (zipkin-js after its 60 s flush): it is the latest `finish` annotation
    let end = 0;
    for (const a of merged.annotations) if (a.value === FINISH && a.timestamp > end) end = a.timestamp;
    if (end > merged.timestamp) merged.duration = end - merged.timestamp;
  }
  return merged;
}

function definedFields(span: ZipkinSpan): Partial<ZipkinSpan> {
  const out: Partial<ZipkinSpan> = {};
  for (const key of Object.keys(span) as (keyof ZipkinSpan)[]) {
    if (span[key] !== undefined) (out as Record<string, unknown>)[key] = span[key];
  }
  return out;
}

/** Rough retained size of a buffered span, for the byte cap (UTF-16 strings plus object overhead). */
export function estimateSpanBytes(span: ZipkinSpan): number {
  let bytes = 200 + 2 * (span.name?.length ?? 0);
  if (span.tags !== undefined) for (const key in span.tags) bytes += 64 + 2 * (key.length + span.tags[key].length);
  if (span.annotations !== undefined) for (const a of span.annotations) bytes += 64 + 2 * a.value.length;
  return bytes;
}
