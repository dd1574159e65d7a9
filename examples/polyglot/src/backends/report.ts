/** Prints what each backend received as an indented tree per trace, with ids to compare across them. */
import type { SpanView } from './span-view';

function label(span: SpanView): string {
  const ms = (span.durationMicros / 1000).toFixed(1).padStart(7);
  const kind = span.kind ? ` [${span.kind}]` : '';
  return `${span.service.padEnd(11)} ${span.resource}${kind}${span.error ? ' !error' : ''}  ${ms} ms  span ${span.spanId}`;
}

/**
 * Who a span hangs under. Zipkin's B3 services share one span id between a client and the server it
 * called (zipkin-js joins the incoming id): the server half goes under the client half, and spans that
 * name that id as parent go under the server half, as the Zipkin UI shows them.
 */
function parentFinder(trace: SpanView[]): (span: SpanView) => SpanView | undefined {
  const client = new Map<string, SpanView>();
  const server = new Map<string, SpanView>();
  for (const s of trace) (s.kind === 'server' ? server : client).set(s.spanId, s);
  return (span) => {
    if (span.kind === 'server' && client.has(span.spanId)) return client.get(span.spanId);
    if (span.parentId === undefined) return undefined;
    return (client.has(span.parentId) && server.has(span.parentId) ? server : client).get(span.parentId) ?? server.get(span.parentId);
  };
}

export function renderBackend(title: string, spans: SpanView[]): string[] {
  const lines = [`${title}: ${spans.length} spans`];
  const byTrace = new Map<string, SpanView[]>();
  for (const span of spans) byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span]);
  for (const [traceId, trace] of byTrace) {
    lines.push(`  trace ${traceId}`);
    const parentOf = parentFinder(trace);
    const children = new Map<SpanView | undefined, SpanView[]>();
    for (const span of trace) {
      const parent = parentOf(span);
      children.set(parent, [...(children.get(parent) ?? []), span]);
    }
    const walk = (span: SpanView, depth: number): void => {
      lines.push(`  ${'  '.repeat(depth)}${label(span)}`);
      const below = (children.get(span) ?? []).sort((a, b) => a.startMicros - b.startMicros);
      for (const child of below) walk(child, depth + 1);
    };
    // Roots here are spans whose parent this backend never saw: that hop was reported elsewhere.
    for (const root of (children.get(undefined) ?? []).sort((a, b) => a.startMicros - b.startMicros)) {
      if (root.parentId !== undefined) lines.push(`    (parent ${root.parentId} was reported to the other backend)`);
      walk(root, 1);
    }
  }
  return lines;
}
