/**
 * The Jaeger Thrift model (jaeger.thrift) as the encoder consumes it.
 *
 * i64 ids are kept as 16 lower-case hex digits: the id's big-endian bytes, which is exactly the bit pattern of the
 * signed i64 Jaeger wants (no sign juggling, no BigInt). Times, durations and LONG tag values are safe-integer
 * numbers (µs since epoch fit in 2^53 for the next 280 years).
 */
export const TagType = { STRING: 0, DOUBLE: 1, BOOL: 2, LONG: 3, BINARY: 4 } as const;
export type TagType = (typeof TagType)[keyof typeof TagType];

export const SpanRefType = { CHILD_OF: 0, FOLLOWS_FROM: 1 } as const;
export type SpanRefType = (typeof SpanRefType)[keyof typeof SpanRefType];

export type JaegerTag =
  | { key: string; vType: typeof TagType.STRING; vStr: string }
  | { key: string; vType: typeof TagType.DOUBLE; vDouble: number }
  | { key: string; vType: typeof TagType.BOOL; vBool: boolean }
  | { key: string; vType: typeof TagType.LONG; vLong: number }
  | { key: string; vType: typeof TagType.BINARY; vBinary: Uint8Array };

export interface JaegerLog {
  /** µs since epoch */
  timestamp: number;
  fields: JaegerTag[];
}

export interface JaegerSpanRef {
  refType: SpanRefType;
  traceIdLow: string;
  traceIdHigh: string;
  spanId: string;
}

export interface JaegerSpan {
  /** 16 hex: low half of the trace id */
  traceIdLow: string;
  /** 16 hex: high half of the trace id ('0000000000000000' for 64-bit ids) */
  traceIdHigh: string;
  spanId: string;
  /** '0000000000000000' for a root span */
  parentSpanId: string;
  operationName: string;
  references?: JaegerSpanRef[];
  /** 1 = sampled, 2 = debug */
  flags: number;
  /** µs since epoch */
  startTime: number;
  /** µs */
  duration: number;
  tags?: JaegerTag[];
  logs?: JaegerLog[];
}

export interface JaegerProcess {
  serviceName: string;
  tags?: JaegerTag[];
}

export interface JaegerClientStats {
  fullQueueDroppedSpans: number;
  tooLargeDroppedSpans: number;
  failedToEmitSpans: number;
}

export const ZERO_ID = '0000000000000000';
