import type { HrTime } from '@opentelemetry/api';

/**
 * A span in Datadog's model, as the reference mapping (`SpanMapper.mapSpan`) builds it: the readable form of the
 * rules, which the tests compare the payload writers' output with (the writers never build one). Ids stay as
 * OTel hex strings. `meta`/`metrics` are flat `[key, value, key, value…]` arrays.
 */
export interface DatadogSpan {
  /** 32 hex; the payload carries the low 64 bits, `_dd.p.tid` the high 64. */
  readonly traceId: string;
  /** 16 hex. */
  readonly spanId: string;
  /** 16 hex, or '' for a root span. A remote parent is kept so the agent marks the span top-level. */
  readonly parentId: string;
  readonly service: string;
  readonly name: string;
  readonly resource: string;
  /** '' when there is none. */
  readonly type: string;
  readonly start: HrTime;
  /** Nanoseconds, non-negative. */
  readonly durationNs: number;
  readonly error: 0 | 1;
  readonly meta: string[];
  readonly metrics: Array<string | number>;
  /** Slots of `meta` / `metrics` in use (a reused span's arrays may be longer). */
  readonly metaLength: number;
  readonly metricsLength: number;
  /**
   * Tags every span of the same kind/scope/resource shares (`span.kind`, `language`, `runtime-id`, `env`…) and
   * metrics shared per priority. The same array instance is reused, so an encoder can encode it once per
   * payload and copy the bytes afterwards.
   */
  readonly sharedMeta: readonly string[];
  readonly sharedMetrics: ReadonlyArray<string | number>;
  /** Trace-level tags (`_dd.p.*`, `_dd.p.tid`, `_dd.parent_id`) written on the first span of each chunk only. */
  readonly chunkMeta: readonly string[];
}

const NO_TIME: HrTime = [0, 0];
const NONE: readonly string[] = [];

/** Where mapping code appends tags. */
export interface TagSink {
  addMeta(key: string, value: string): void;
  addMetric(key: string, value: number): void;
}

/**
 * One DatadogSpan refilled for span after span (its meta/metrics arrays keep their storage and are written by
 * index), so mapping a batch allocates almost nothing per span. Only valid until the next refill: encoders
 * consume it immediately.
 */
export class ReusableDatadogSpan implements DatadogSpan, TagSink {
  traceId = '';
  spanId = '';
  parentId = '';
  service = '';
  name = '';
  resource = '';
  type = '';
  start: HrTime = NO_TIME;
  durationNs = 0;
  error: 0 | 1 = 0;
  readonly meta: string[] = [];
  readonly metrics: Array<string | number> = [];
  metaLength = 0;
  metricsLength = 0;
  sharedMeta: readonly string[] = NONE;
  sharedMetrics: ReadonlyArray<string | number> = NONE;
  chunkMeta: readonly string[] = NONE;

  /** Forgets the previous span's tags. The arrays keep their storage: `length = 0` would free it. */
  clearTags(): void {
    this.metaLength = 0;
    this.metricsLength = 0;
  }

  addMeta(key: string, value: string): void {
    const m = this.meta;
    m[this.metaLength++] = key;
    m[this.metaLength++] = value;
  }

  addMetric(key: string, value: number): void {
    const m = this.metrics;
    m[this.metricsLength++] = key;
    m[this.metricsLength++] = value;
  }
}
