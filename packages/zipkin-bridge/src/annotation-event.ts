import type { AttributeValue, Attributes } from '@opentelemetry/api';
import type { TimedEvent } from '@opentelemetry/sdk-trace-base';
import { microsToHrTime, type ZipkinAnnotation } from '@polytrace/exporter-zipkin';

/** A JSON value as an OTel attribute value; objects and mixed arrays as their JSON text. */
export function toAttributeValue(value: unknown): AttributeValue {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return value as number[];
  if (Array.isArray(value) && value.every((v) => typeof v === 'boolean')) return value as boolean[];
  return JSON.stringify(value);
}

/**
 * An annotation → an event. The OTel Collector's `name|{json attributes}|dropped count` form (which our exporter
 * writes) is unpacked only when it really parses; otherwise the whole value is the name (the Collector would
 * fail the whole request instead, spec §7 Z13).
 */
export function annotationToEvent(annotation: ZipkinAnnotation): TimedEvent {
  const time = microsToHrTime(annotation.timestamp);
  const value = annotation.value;
  const first = value.indexOf('|');
  const last = value.lastIndexOf('|');
  if (first > 0 && last > first + 1 && /^\d+$/.test(value.slice(last + 1))) {
    const middle = value.slice(first + 1, last);
    if (middle.startsWith('{')) {
      try {
        const parsed: unknown = JSON.parse(middle);
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
          const attributes: Attributes = {};
          for (const [k, v] of Object.entries(parsed)) if (v !== null && v !== undefined) attributes[k] = toAttributeValue(v);
          const event: TimedEvent = { time, name: value.slice(0, first), attributes };
          const dropped = Number(value.slice(last + 1));
          if (dropped > 0) event.droppedAttributesCount = dropped;
          return event;
        }
      } catch {
        // not the Collector form: keep the whole value as the name
      }
    }
  }
  return { time, name: value };
}
