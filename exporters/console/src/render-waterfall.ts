import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { COLOUR_PALETTE, PLAIN_PALETTE, fit, formatDuration, hrToMillis, type Palette } from './format';

export interface RenderOptions {
  /** Total line width in columns; clamped to at least 60. */
  width: number;
  colour: boolean;
  /** Marks a trace printed before its root ended (orphan timeout or flush). */
  incomplete?: boolean;
}

const RESOURCE_NAME = 'resource.name';
const SERVICE_NAME = 'service.name';
const MAX_INDENT_DEPTH = 8;
const ERROR_MARK = '✗';

interface Row {
  span: ReadableSpan;
  depth: number;
}

/**
 * Renders the spans of one trace as an indented waterfall: one line per span with its service,
 * name (and resource when it differs), duration, an error mark, and a bar placed and sized in
 * proportion to the trace's time range. Pure: spans in, text out.
 */
export function renderWaterfall(spans: readonly ReadableSpan[], options: RenderOptions): string {
  if (spans.length === 0) return '';
  const palette = options.colour ? COLOUR_PALETTE : PLAIN_PALETTE;
  const width = Math.max(60, Math.floor(options.width));
  const rows = orderAsTree(spans);

  let traceStart = Infinity;
  let traceEnd = -Infinity;
  for (const span of spans) {
    traceStart = Math.min(traceStart, hrToMillis(span.startTime));
    traceEnd = Math.max(traceEnd, hrToMillis(span.endTime));
  }
  const total = Math.max(traceEnd - traceStart, 1e-6);

  const durationWidth = 8;
  const serviceWidth = Math.min(16, Math.max(8, Math.floor(width * 0.17)));
  const labelWidth = Math.floor(width * 0.38);
  // label, space, service, space, duration, space, |bar|
  const barWidth = width - labelWidth - serviceWidth - durationWidth - 3 - 2;

  const errors = spans.filter(isError).length;
  const rootSpan = rows[0]?.span;
  // Kept under 80 columns even with every mark: the full trace id first (to search a backend for it).
  const header = [
    `── ${rootSpan?.spanContext().traceId ?? '?'}`,
    formatDuration(total),
    `${spans.length} span${spans.length === 1 ? '' : 's'}`,
    ...(errors > 0 ? [`${errors} error${errors === 1 ? '' : 's'}`] : []),
    ...(options.incomplete ? ['incomplete'] : []),
  ].join('  ');
  const lines = [palette.bold(header)];

  for (const { span, depth } of rows) {
    const start = hrToMillis(span.startTime) - traceStart;
    const duration = hrToMillis(span.endTime) - hrToMillis(span.startTime);
    lines.push(renderRow(span, depth, start / total, duration / total, duration, { labelWidth, serviceWidth, durationWidth, barWidth }, palette));
  }
  return lines.join('\n') + '\n';
}

interface Widths {
  labelWidth: number;
  serviceWidth: number;
  durationWidth: number;
  barWidth: number;
}

function renderRow(
  span: ReadableSpan,
  depth: number,
  offsetRatio: number,
  lengthRatio: number,
  durationMillis: number,
  widths: Widths,
  palette: Palette,
): string {
  const failed = isError(span);
  const resource = resourceOf(span);
  const resourcePart = resource !== undefined && resource !== span.name ? ` · ${resource}` : '';
  const indent = '  '.repeat(Math.min(depth, MAX_INDENT_DEPTH));
  const mark = failed ? `${ERROR_MARK} ` : '';
  const label = fit(`${indent}${mark}${span.name}${resourcePart}`, widths.labelWidth);
  const service = fit(String(span.resource.attributes[SERVICE_NAME] ?? '?'), widths.serviceWidth);
  const duration = formatDuration(durationMillis).padStart(widths.durationWidth);

  const offset = clamp(Math.floor(offsetRatio * widths.barWidth), 0, widths.barWidth - 1);
  const length = clamp(Math.round(lengthRatio * widths.barWidth), 1, widths.barWidth - offset);
  const barText = '█'.repeat(length);
  const bar = ' '.repeat(offset) + (failed ? palette.error(barText) : palette.bar(barText)) + ' '.repeat(widths.barWidth - offset - length);

  return `${failed ? palette.error(label) : label} ${palette.dim(service)} ${duration} │${bar}│`;
}

/**
 * Depth-first order: each span followed by its children sorted by start time. Spans whose parent
 * is not in this set (the root, or children of a span that never arrived) start their own subtree.
 */
function orderAsTree(spans: readonly ReadableSpan[]): Row[] {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const children = new Map<string, ReadableSpan[]>();
  const roots: ReadableSpan[] = [];
  for (const span of spans) {
    const parentId = span.parentSpanContext?.spanId;
    if (parentId !== undefined && parentId !== span.spanContext().spanId && byId.has(parentId)) {
      const siblings = children.get(parentId) ?? [];
      siblings.push(span);
      children.set(parentId, siblings);
    } else {
      roots.push(span);
    }
  }
  const rows: Row[] = [];
  const seen = new Set<string>();
  // Iterative walk: a malformed parent cycle or a very deep trace must not overflow the stack.
  const stack: Row[] = byStart(roots).reverse().map((span) => ({ span, depth: 0 }));
  while (stack.length > 0) {
    const row = stack.pop() as Row;
    const id = row.span.spanContext().spanId;
    if (seen.has(id)) continue;
    seen.add(id);
    rows.push(row);
    const kids = byStart(children.get(id) ?? []);
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i] as ReadableSpan, depth: row.depth + 1 });
  }
  // Spans only reachable through a cycle never got a root: show them flat rather than drop them.
  for (const span of spans) if (!seen.has(span.spanContext().spanId)) rows.push({ span, depth: 0 });
  return rows;
}

/**
 * `resource.name` when set; for an HTTP span named just by its method (current semconv), the route
 * or path, so `GET` reads `GET · GET /hello` as in an APM UI.
 */
function resourceOf(span: ReadableSpan): string | undefined {
  const explicit = span.attributes[RESOURCE_NAME];
  if (typeof explicit === 'string') return explicit;
  const method = span.attributes['http.request.method'];
  const target = span.attributes['http.route'] ?? span.attributes['url.path'] ?? pathOf(span.attributes['url.full']);
  return typeof method === 'string' && typeof target === 'string' ? `${method} ${target}` : undefined;
}

function pathOf(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

function byStart(spans: ReadableSpan[]): ReadableSpan[] {
  return [...spans].sort((a, b) => hrToMillis(a.startTime) - hrToMillis(b.startTime));
}

function isError(span: ReadableSpan): boolean {
  return span.status.code === SpanStatusCode.ERROR;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
