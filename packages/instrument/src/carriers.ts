import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';

/** How to read and write propagation headers on one message shape. */
export interface CarrierAdapter<C> extends TextMapGetter<C>, TextMapSetter<C> {}

/** A plain string map, e.g. HTTP-like headers or a JSON message envelope. */
export type StringMap = Record<string, string>;

/** SQS `MessageAttributes` as sent (`StringValue`) or as seen in a Lambda event record (`stringValue`). */
export interface SqsMessageAttribute {
  DataType?: string;
  StringValue?: string;
  dataType?: string;
  stringValue?: string;
  [other: string]: unknown;
}
export type SqsMessageAttributes = Record<string, SqsMessageAttribute | undefined>;

/** amqplib `properties.headers`: values are whatever the AMQP table decoded to. */
export type AmqpHeaders = Record<string, unknown>;

/** kafkajs `IHeaders`: values arrive as Buffers on the consumer side. */
export type KafkaHeaders = Record<string, Buffer | string | Array<Buffer | string> | undefined>;

/**
 * One reader for every shape: a propagation value may be a string, a Buffer (Kafka, AMQP byte
 * arrays), an array of those, or an SQS attribute object. Anything else reads as absent.
 */
export function readCarrierValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  if (Array.isArray(value)) return value.length > 0 ? readCarrierValue(value[0]) : undefined;
  if (value !== null && typeof value === 'object') {
    const attribute = value as SqsMessageAttribute;
    const text = attribute.StringValue ?? attribute.stringValue;
    return typeof text === 'string' ? text : undefined;
  }
  return undefined;
}

function lookup(carrier: unknown, key: string): unknown {
  if (carrier === null || typeof carrier !== 'object') return undefined;
  const record = carrier as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(record, key)) return record[key];
  // Brokers and clients do not all preserve header case; propagation keys are lower-case.
  const wanted = key.toLowerCase();
  for (const candidate of Object.keys(record)) {
    if (candidate.toLowerCase() === wanted) return record[candidate];
  }
  return undefined;
}

function carrierKeys(carrier: unknown): string[] {
  return carrier !== null && typeof carrier === 'object' ? Object.keys(carrier) : [];
}

/** Reads any of the supported shapes; used when extracting so callers need not name the shape. */
export const anyCarrierGetter: TextMapGetter<unknown> = {
  keys: carrierKeys,
  get: (carrier, key) => readCarrierValue(lookup(carrier, key)),
};

function adapter<C>(set: (carrier: C, key: string, value: string) => void): CarrierAdapter<C> {
  return { keys: carrierKeys, get: anyCarrierGetter.get, set };
}

export const stringMapAdapter: CarrierAdapter<StringMap> = adapter((carrier, key, value) => {
  carrier[key] = value;
});

export const sqsAttributesAdapter: CarrierAdapter<SqsMessageAttributes> = adapter((carrier, key, value) => {
  carrier[key] = { DataType: 'String', StringValue: value };
});

export const amqpHeadersAdapter: CarrierAdapter<AmqpHeaders> = adapter((carrier, key, value) => {
  carrier[key] = value;
});

export const kafkaHeadersAdapter: CarrierAdapter<KafkaHeaders> = adapter((carrier, key, value) => {
  // Kafka headers are bytes on the wire; writing a Buffer matches what consumers will read back.
  carrier[key] = Buffer.from(value, 'utf8');
});

/**
 * Finds the header map inside a received message: an SQS message or Lambda record, an amqplib
 * message, a kafkajs message, or the map itself.
 */
export function messageCarrier(message: unknown): unknown {
  if (message === null || typeof message !== 'object') return undefined;
  const m = message as {
    MessageAttributes?: unknown;
    messageAttributes?: unknown;
    properties?: { headers?: unknown };
    headers?: unknown;
  };
  return m.MessageAttributes ?? m.messageAttributes ?? m.properties?.headers ?? m.headers ?? message;
}
