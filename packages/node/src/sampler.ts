import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { isSamplerProvider } from '@polytrace/exporter-base';
import { PropagatedDecisionSampler } from '@polytrace/propagation';
import type { SamplerConfig } from './env/read-env-config';

/**
 * Sampler precedence: explicit option > OTEL_TRACES_SAMPLER > an exporter that knows its backend's
 * sampling (the Datadog exporter, which also reads DD_TRACE_SAMPLE_RATE) > DD_TRACE_SAMPLE_RATE as a
 * parent-based ratio > parent-based always-on. All but an explicit sampler are wrapped so that decisions the
 * sampled bit cannot carry (B3 defer/debug, jaeger-debug-id) still reach them; an explicit one is used as given.
 */
export function chooseSampler(
  explicit: Sampler | undefined,
  fromEnv: SamplerConfig | undefined,
  exporters: readonly SpanExporter[],
  datadogSampleRate: number | undefined,
): Sampler {
  if (explicit !== undefined) return explicit;
  return new PropagatedDecisionSampler(configuredSampler(fromEnv, exporters, datadogSampleRate));
}

function configuredSampler(
  fromEnv: SamplerConfig | undefined,
  exporters: readonly SpanExporter[],
  datadogSampleRate: number | undefined,
): Sampler {
  if (fromEnv !== undefined) return samplerFromConfig(fromEnv);
  for (const exporter of exporters) if (isSamplerProvider(exporter)) return exporter.createSampler();
  if (datadogSampleRate !== undefined) return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(datadogSampleRate) });
  return new ParentBasedSampler({ root: new AlwaysOnSampler() });
}

export function samplerFromConfig({ name, ratio }: SamplerConfig): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}
