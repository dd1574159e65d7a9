import type { JaegerSpan, JaegerTag } from '../model';
import { TagType } from '../model';

/** Marker tag on a span the exporter had to shrink to fit a datagram/body: which parts were removed. */
export const TRUNCATED_TAG = 'polytrace.truncated';

function isDerivedKey(key: string): boolean {
  return key === 'error' || key === 'span.kind' || key === 'w3c.tracestate' || key.startsWith('otel.');
}

function addCount(tags: JaegerTag[], key: string, n: number): JaegerTag[] {
  if (n === 0) return tags;
  const existing = tags.find((t) => t.key === key);
  const previous = existing && existing.vType === TagType.LONG ? existing.vLong : 0;
  return [...tags.filter((t) => t.key !== key), { key, vType: TagType.LONG, vLong: previous + n }];
}

/**
 * The smaller versions of an oversized span to try, in order (spec §6.1: "drop logs, then tags, then add a marker
 * tag"): without its logs, then also without its attribute tags (the derived ones: kind, status, scope… stay).
 * What was removed is recorded in the standard `otel.dropped_*` counts and in the `polytrace.truncated` tag.
 */
export function truncationSteps(span: JaegerSpan): JaegerSpan[] {
  const steps: JaegerSpan[] = [];
  const logs = span.logs?.length ?? 0;
  const tags = span.tags ?? [];
  let withoutLogs = tags;
  if (logs > 0) {
    withoutLogs = addCount(tags, 'otel.dropped_events_count', logs);
    steps.push({ ...span, logs: undefined, tags: [...withoutLogs, { key: TRUNCATED_TAG, vType: TagType.STRING, vStr: 'logs' }] });
  }
  const attributeTags = withoutLogs.filter((t) => !isDerivedKey(t.key)).length;
  if (attributeTags > 0) {
    const derived = addCount(withoutLogs.filter((t) => isDerivedKey(t.key)), 'otel.dropped_attributes_count', attributeTags);
    const marker = logs > 0 ? 'logs,tags' : 'tags';
    steps.push({ ...span, logs: undefined, tags: [...derived, { key: TRUNCATED_TAG, vType: TagType.STRING, vStr: marker }] });
  }
  return steps;
}
