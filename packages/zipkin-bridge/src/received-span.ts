import type { ZipkinSpan } from '@polytrace/exporter-zipkin';

/** A decoded span and when its POST arrived (the fallback start of a span without any timing). */
export interface ReceivedSpan {
  span: ZipkinSpan;
  receivedAtMicros: number;
}
