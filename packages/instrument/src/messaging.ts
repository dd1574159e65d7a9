import { context, propagation, SpanKind, type Context, type Span } from '@opentelemetry/api';
import { anyCarrierGetter, messageCarrier, stringMapAdapter, type CarrierAdapter, type StringMap } from './carriers';
import { withSpan, type WithSpanOptions } from './with-span';

/**
 * Writes the active (or given) context into `carrier` with the globally registered propagator and
 * returns the carrier. Pass an adapter for SQS attributes, AMQP or Kafka headers.
 */
export function injectContext(carrier?: StringMap, options?: { context?: Context }): StringMap;
export function injectContext<C>(carrier: C, options: { adapter: CarrierAdapter<C>; context?: Context }): C;
export function injectContext<C>(
  carrier: C | StringMap = {},
  options: { adapter?: CarrierAdapter<C>; context?: Context } = {},
): C | StringMap {
  const setter = options.adapter ?? (stringMapAdapter as unknown as CarrierAdapter<C>);
  propagation.inject(options.context ?? context.active(), carrier as C, setter);
  return carrier;
}

/**
 * Reads a context from any supported carrier shape (string map, SQS attributes, AMQP or Kafka
 * headers); a missing or malformed carrier yields the base context unchanged.
 */
export function extractContext(carrier: unknown, base: Context = context.active()): Context {
  if (carrier === null || typeof carrier !== 'object') return base;
  return propagation.extract(base, carrier, anyCarrierGetter);
}

export interface ConsumerSpanOptions extends Omit<WithSpanOptions, 'context' | 'kind'> {}

/**
 * Runs `fn` in a CONSUMER span that continues the trace carried by `message` (an SQS message or
 * Lambda record, an amqplib message, a kafkajs message, or a plain header map).
 */
export function withConsumerSpan<R>(
  message: unknown,
  name: string,
  fn: (span: Span) => R,
  options: ConsumerSpanOptions = {},
): R {
  return withSpan(name, fn, { ...options, kind: SpanKind.CONSUMER, context: extractContext(messageCarrier(message)) });
}
