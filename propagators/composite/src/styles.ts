import type { TextMapPropagator } from '@opentelemetry/api';
import { B3Propagator } from '@polytrace/propagator-b3';
import { DatadogPropagator, TraceContextPropagator } from '@polytrace/propagator-datadog';
import { JaegerPropagator } from '@polytrace/propagator-jaeger';
import { BaggagePropagator } from './baggage-propagator';

/** Header formats `createPropagator` understands by name. */
export type PropagationStyleName = 'datadog' | 'tracecontext' | 'baggage' | 'b3' | 'b3multi' | 'jaeger' | 'none';
/** A named style, or any OTel propagator (run as a span-context style). */
export type PropagationStyle = PropagationStyleName | TextMapPropagator;

export const STYLE_NAMES: readonly PropagationStyleName[] = ['datadog', 'tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger', 'none'];

export function isStyleName(value: string): value is PropagationStyleName {
  return (STYLE_NAMES as readonly string[]).includes(value);
}

export interface StyleOptions {
  /** `x-datadog-tags` length limit (DD_TRACE_X_DATADOG_TAGS_MAX_LENGTH), default 512. */
  datadogTagsMaxLength?: number;
  /** Write the tracestate `dd` member even for traces that have none (true when `datadog` is configured). */
  alwaysWriteDatadogMember: boolean;
}

/** One instance per named style; `none` has no propagator. */
export function createStylePropagator(style: PropagationStyleName, options: StyleOptions): TextMapPropagator | undefined {
  switch (style) {
    case 'datadog':
      return new DatadogPropagator({ tagsMaxLength: options.datadogTagsMaxLength });
    case 'tracecontext':
      return new TraceContextPropagator({ alwaysWriteDatadogMember: options.alwaysWriteDatadogMember });
    case 'baggage':
      return new BaggagePropagator();
    // As in dd-trace, each B3 style reads and writes its own format only; list both to accept either.
    case 'b3':
      return new B3Propagator({ injectEncoding: 'single', extractEncoding: 'single' });
    case 'b3multi':
      return new B3Propagator({ injectEncoding: 'multi', extractEncoding: 'multi' });
    case 'jaeger':
      return new JaegerPropagator();
    case 'none':
      return undefined;
  }
}
