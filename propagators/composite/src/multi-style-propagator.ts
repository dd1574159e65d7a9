import {
  propagation,
  trace,
  type Baggage,
  type Context,
  type Link,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import * as core from '@opentelemetry/core';
import * as datadog from '@polytrace/propagator-datadog';
import { DatadogPropagator, TraceContextPropagator } from '@polytrace/propagator-datadog';
import * as extractedLinks from './extracted-links';
import { createStylePropagator, type PropagationStyle, type PropagationStyleName } from './styles';
import { SpanContextValidity } from '@polytrace/propagator-ids';

export interface PropagatorOptions {
  /** Styles tried on extract, in order; the first that yields a valid context supplies it. Default `tracecontext,baggage`. */
  extract?: readonly PropagationStyle[];
  /** Styles written on inject, each independently from the same context. Default `tracecontext,baggage`. */
  inject?: readonly PropagationStyle[];
  /** Stop at the first style that yields a context (no reparenting, no links). Default false. */
  extractFirst?: boolean;
  /** `x-datadog-tags` length limit, default 512. */
  datadogTagsMaxLength?: number;
}

interface Style {
  name: string;
  propagator: TextMapPropagator;
  isBaggage: boolean;
  /** Our own span-context styles: read the span context without building a Context per style. */
  direct?: DirectExtractor;
}

/** Our own span-context styles, which can be driven with the span context directly. */
interface DirectExtractor {
  extractSpanContext(carrier: unknown, getter: TextMapGetter): SpanContext | undefined;
  injectSpanContext(spanContext: SpanContext, carrier: unknown, setter: TextMapSetter): void;
}

interface Candidate {
  style: Style;
  /** The style's own Context (B3/Jaeger add values such as debug flags), or undefined for direct styles. */
  context: Context | undefined;
  spanContext: SpanContext;
}

// Bound once: these run per request (see CONTRIBUTING.md, Benchmarks).
const { isTracingSuppressed } = core;
const { peekDatadogState, setDatadogState } = datadog;
const { setExtractedLinks } = extractedLinks;

const DEFAULT_STYLES: readonly PropagationStyleName[] = ['tracecontext', 'baggage'];
export const TERMINATED_CONTEXT_REASON = 'terminated_context';

/**
 * A multi-style propagator with dd-trace's semantics rather than OTel's "last extractor wins":
 * the first valid style supplies the context; a later tracecontext header for the same trace but
 * another span becomes the parent (the span id dd-trace records as `_dd.parent_id` goes to the `dd`
 * state); a later style carrying another trace becomes a span link with reason `terminated_context`.
 */
export class MultiStylePropagator implements TextMapPropagator {
  private readonly extractors: Style[];
  private readonly injectors: Style[];
  private readonly extractFirst: boolean;
  private readonly baggageStyleCount: number;
  private readonly fieldNames: string[];
  private readonly validity = new SpanContextValidity();

  constructor(options: PropagatorOptions = {}) {
    const extract = options.extract ?? DEFAULT_STYLES;
    const inject = options.inject ?? DEFAULT_STYLES;
    const alwaysWriteDatadogMember = extract.includes('datadog') || inject.includes('datadog');
    const build = (styles: readonly PropagationStyle[]): Style[] => {
      const seen = new Set<PropagationStyle>();
      const out: Style[] = [];
      for (const style of styles) {
        if (seen.has(style)) continue;
        seen.add(style);
        const propagator = typeof style === 'string'
          ? createStylePropagator(style, { datadogTagsMaxLength: options.datadogTagsMaxLength, alwaysWriteDatadogMember })
          : style;
        if (propagator === undefined) continue;
        const direct = propagator instanceof DatadogPropagator || propagator instanceof TraceContextPropagator ? propagator : undefined;
        out.push({ name: typeof style === 'string' ? style : propagator.constructor.name, propagator, isBaggage: style === 'baggage', direct });
      }
      return out;
    };
    this.extractors = build(extract);
    this.injectors = build(inject);
    this.extractFirst = options.extractFirst === true;
    this.baggageStyleCount = this.extractors.filter((s) => s.isBaggage).length;
    this.fieldNames = [...new Set([...this.extractors, ...this.injectors].flatMap((s) => s.propagator.fields()))];
  }

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    // Looked up and validated once for all of our own styles (`null` = not looked up yet).
    let spanContext: SpanContext | undefined | null = null;
    const injectors = this.injectors;
    for (let i = 0; i < injectors.length; i++) {
      const style = injectors[i];
      try {
        if (style.direct === undefined) {
          style.propagator.inject(context, carrier, setter);
          continue;
        }
        if (spanContext === null) {
          const sc = trace.getSpanContext(context);
          spanContext = sc !== undefined && this.validity.isValid(sc) && !isTracingSuppressed(context) ? sc : undefined;
        }
        if (spanContext !== undefined) style.direct.injectSpanContext(spanContext, carrier, setter);
      } catch {
        // One broken style (e.g. a user-supplied propagator) must not stop the others.
      }
    }
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    // One style: nothing to merge, so stay out of its way.
    if (this.extractors.length === 1) {
      const only = this.extractors[0];
      if (only.direct === undefined) return safeExtract(only.propagator, context, carrier, getter);
      let spanContext: SpanContext | undefined;
      try {
        spanContext = only.direct.extractSpanContext(carrier, getter);
      } catch {
        return context;
      }
      return spanContext === undefined ? context : trace.setSpanContext(context, spanContext);
    }
    let incoming: SpanContext | undefined | null = null; // looked up only if a foreign style needs it
    let first: Candidate | undefined;
    let merged: SpanContext | undefined;
    let decisionOnly: Context | undefined;
    let links: Link[] | undefined;
    let baggageStyles = false;

    const extractors = this.extractors;
    for (let i = 0; i < extractors.length; i++) {
      const style = extractors[i];
      if (style.isBaggage) {
        baggageStyles = true;
        continue;
      }
      let result: Context | undefined;
      let spanContext: SpanContext | undefined;
      if (style.direct !== undefined) {
        try {
          spanContext = style.direct.extractSpanContext(carrier, getter);
        } catch {
          spanContext = undefined; // extraction never throws, whatever the carrier does
        }
      } else {
        result = safeExtract(style.propagator, context, carrier, getter);
        spanContext = trace.getSpanContext(result);
        if (incoming === null) incoming = trace.getSpanContext(context);
        if (spanContext === incoming) spanContext = undefined; // the style found nothing and left the context alone
      }
      if (spanContext === undefined) {
        // e.g. a B3 sampling-only header: no ids, but a decision the next root must follow.
        if (result !== undefined && result !== context && first === undefined) decisionOnly ??= result;
        continue;
      }
      if (first === undefined) {
        first = { style, context: result, spanContext };
        merged = spanContext;
        if (this.extractFirst) break;
        continue;
      }
      if (spanContext.traceId !== first.spanContext.traceId) {
        (links ??= []).push({ context: spanContext, attributes: { reason: TERMINATED_CONTEXT_REASON, context_headers: style.name } });
      } else if (style.name === 'tracecontext') {
        merged = reconcileWithTraceContext(first, merged ?? first.spanContext, spanContext);
      }
    }

    let out = first === undefined ? (decisionOnly ?? context) : (first.context ?? context);
    if (first !== undefined && merged !== undefined && (merged !== first.spanContext || first.context === undefined)) {
      out = trace.setSpanContext(out, merged);
    }
    if (links !== undefined) out = setExtractedLinks(out, links);
    return baggageStyles ? this.extractBaggage(out, carrier, getter) : out;
  }

  fields(): string[] {
    return this.fieldNames.slice();
  }

  /** Baggage from the baggage style(s) is merged over any a trace style (jaeger's uberctx-*) produced. */
  private extractBaggage(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    let baggage: Baggage | undefined = propagation.getBaggage(context);
    // The usual case: one baggage style and no baggage from a trace style, so nothing to merge.
    if (baggage === undefined && this.baggageStyleCount === 1) {
      return safeExtract(this.extractors.find((s) => s.isBaggage)!.propagator, context, carrier, getter);
    }
    for (const style of this.extractors) {
      if (!style.isBaggage) continue;
      const extracted = propagation.getBaggage(safeExtract(style.propagator, context, carrier, getter));
      if (extracted === undefined || extracted === baggage) continue;
      if (baggage === undefined) {
        baggage = extracted;
        continue;
      }
      for (const [key, entry] of extracted.getAllEntries()) baggage = baggage.setEntry(key, entry);
    }
    return baggage === undefined ? context : propagation.setBaggage(context, baggage);
  }
}

/**
 * Same trace in datadog and tracecontext headers (datadog.md §1.7): the W3C tracestate's other vendors
 * are kept, and when the span ids differ a W3C-only hop sat in between, so the W3C span becomes the
 * parent and the last Datadog span is recorded as `p:` (`_dd.parent_id`).
 */
function reconcileWithTraceContext(first: Candidate, current: SpanContext, w3c: SpanContext): SpanContext {
  if (first.style.name !== 'datadog') {
    // dd-trace-js reparents whatever the first style was; priority/origin/tags stay the first style's.
    return w3c.spanId === current.spanId ? current : { ...current, spanId: w3c.spanId };
  }
  let state = peekDatadogState(current.traceState);
  let spanId = current.spanId;
  if (w3c.spanId !== current.spanId) {
    state = { ...state, parentId: peekDatadogState(w3c.traceState).parentId ?? current.spanId };
    spanId = w3c.spanId;
  }
  return { ...current, spanId, traceState: setDatadogState(w3c.traceState, state) };
}

function safeExtract(propagator: TextMapPropagator, context: Context, carrier: unknown, getter: TextMapGetter): Context {
  try {
    return propagator.extract(context, carrier, getter);
  } catch {
    return context; // extraction never throws, whatever the carrier or a user-supplied propagator does
  }
}
