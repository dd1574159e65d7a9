import assert from 'node:assert/strict';
import { context, propagation, ROOT_CONTEXT, trace, type TextMapPropagator } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { AlwaysOffSampler, AlwaysOnSampler, type Sampler } from '@opentelemetry/sdk-trace-base';
import { registerExporter, registerPropagator, startTracing, type Tracing, type TracingOptions } from '@polytrace/node';
import { HangingExporter, RecordingExporter } from './recording-exporter';

/** In-process runs: no instrumentation patching, no signal hooks, warnings captured. */
function start(options: TracingOptions = {}): { tracing: Tracing; warnings: string[] } {
  const warnings: string[] = [];
  const tracing = startTracing({ instrumentations: false, handleSignals: false, env: {}, onWarning: (w) => warnings.push(w), ...options });
  running.push(tracing);
  return { tracing, warnings };
}
const running: Tracing[] = [];

function makeSpans(...names: string[]): void {
  const tracer = trace.getTracer('test');
  for (const name of names) tracer.startSpan(name).end();
}

describe('startTracing', () => {
  // Start from an unregistered API whatever an earlier suite in this mocha process left behind.
  before(() => {
    trace.disable();
    context.disable();
    propagation.disable();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((t) => t.shutdown()));
  });

  it('fans out every span to each exporter, even when another exporter fails', async () => {
    const first = new RecordingExporter();
    const failing = new RecordingExporter(ExportResultCode.FAILED);
    const second = new RecordingExporter();
    const { tracing } = start({ exporters: [first, failing, second] });
    makeSpans('a', 'b', 'c');
    await tracing.forceFlush();
    assert.deepEqual(first.names(), ['a', 'b', 'c']);
    assert.deepEqual(second.names(), ['a', 'b', 'c']);
  });

  it('shutdown() exports what was still pending, is idempotent, and unregisters the SDK', async () => {
    const exporter = new RecordingExporter();
    const { tracing } = start({ exporters: [exporter], batch: { scheduledDelayMillis: 60_000 } });
    makeSpans('pending-1', 'pending-2');
    assert.deepEqual(exporter.names(), [], 'the batch is still waiting');
    const first = tracing.shutdown();
    assert.equal(tracing.shutdown(), first, 'same promise on a second call');
    await first;
    await tracing.shutdown();
    assert.deepEqual(exporter.names(), ['pending-1', 'pending-2']);
    assert.equal(exporter.shutdowns, 1);
    assert.equal(trace.getTracer('after').startSpan('x').isRecording(), false, 'the global provider is gone');
  });

  it('shutdown() and forceFlush() return within the timeout when an exporter hangs', async () => {
    const { tracing } = start({ exporters: [new HangingExporter()], shutdownTimeoutMillis: 200, batch: { exportTimeoutMillis: 60_000 } });
    makeSpans('stuck');
    await tracing.forceFlush();
    await tracing.shutdown();
  });

  it('returns the running instance, with a warning, when called twice', () => {
    const { tracing } = start({ exporters: [] });
    const { tracing: again, warnings } = start({ exporters: [] });
    assert.equal(again, tracing);
    assert.match(warnings[0] ?? '', /called again/);
  });

  it('builds the resource: explicit options over OTEL_* over DD_*', async () => {
    const exporter = new RecordingExporter();
    const { tracing } = start({
      exporters: [exporter],
      serviceName: 'explicit-service',
      resourceAttributes: { team: 'explicit' },
      env: { OTEL_SERVICE_NAME: 'otel', DD_SERVICE: 'dd', DD_ENV: 'staging', DD_VERSION: '1.0', OTEL_RESOURCE_ATTRIBUTES: 'team=otel,tier=web' },
    });
    makeSpans('s');
    await tracing.forceFlush();
    const attributes = exporter.spans[0]?.resource.attributes;
    assert.equal(attributes?.['service.name'], 'explicit-service');
    assert.equal(attributes?.['deployment.environment.name'], 'staging');
    assert.equal(attributes?.['service.version'], '1.0');
    assert.equal(attributes?.team, 'explicit');
    assert.equal(attributes?.tier, 'web');
    assert.equal(attributes?.['telemetry.sdk.language'], 'nodejs');
  });

  describe('sampling', () => {
    async function sampledCount(options: TracingOptions, exporter = new RecordingExporter()): Promise<number> {
      const { tracing } = start({ exporters: [exporter], ...options });
      makeSpans('1', '2', '3', '4');
      await tracing.forceFlush();
      await tracing.shutdown();
      return exporter.spans.length;
    }

    it('keeps everything by default', async () => {
      assert.equal(await sampledCount({}), 4);
    });

    it('follows OTEL_TRACES_SAMPLER', async () => {
      assert.equal(await sampledCount({ env: { OTEL_TRACES_SAMPLER: 'always_off' } }), 0);
      assert.equal(await sampledCount({ env: { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' } }), 0);
    });

    it('turns DD_TRACE_SAMPLE_RATE into a parent-based ratio sampler when no exporter provides one', async () => {
      assert.equal(await sampledCount({ env: { DD_TRACE_SAMPLE_RATE: '0' } }), 0);
      // A sampled remote parent is still followed.
      const exporter = new RecordingExporter();
      const { tracing } = start({ exporters: [exporter], env: { DD_TRACE_SAMPLE_RATE: '0' } });
      const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1, isRemote: true });
      trace.getTracer('t').startSpan('child-of-sampled', {}, parent).end();
      await tracing.forceFlush();
      assert.deepEqual(exporter.names(), ['child-of-sampled']);
    });

    it("uses an exporter's own sampler unless a sampler is configured", async () => {
      class SamplingExporter extends RecordingExporter {
        createSampler(): Sampler {
          return new AlwaysOffSampler();
        }
      }
      assert.equal(await sampledCount({}, new SamplingExporter()), 0);
      assert.equal(await sampledCount({ env: { OTEL_TRACES_SAMPLER: 'always_on' } }, new SamplingExporter()), 4);
      assert.equal(await sampledCount({ sampler: new AlwaysOnSampler(), env: { OTEL_TRACES_SAMPLER: 'always_off' } }, new SamplingExporter()), 4);
    });
  });

  describe('registries and names', () => {
    it('creates a registered exporter named in OTEL_TRACES_EXPORTER', async () => {
      const exporter = new RecordingExporter();
      registerExporter('Recording-Test', () => exporter);
      const { tracing, warnings } = start({ env: { OTEL_TRACES_EXPORTER: 'recording-test' } });
      makeSpans('via-registry');
      await tracing.forceFlush();
      assert.deepEqual(exporter.names(), ['via-registry']);
      assert.deepEqual(warnings, []);
    });

    it('skips an unknown or failing exporter with one clear warning and still starts', async () => {
      registerExporter('broken-test', () => {
        throw new Error("exporter 'broken-test' is not available yet");
      });
      const exporter = new RecordingExporter();
      const { tracing, warnings } = start({ exporters: ['nope', 'broken-test', exporter] });
      assert.equal(warnings.length, 2, warnings.join('\n'));
      assert.match(warnings[0] ?? '', /exporter 'nope' is unknown; accepted: .*console.*otlp.*none/);
      assert.equal(warnings[1], "exporter 'broken-test' is not available yet");
      makeSpans('still-works');
      await tracing.forceFlush();
      assert.deepEqual(exporter.names(), ['still-works']);
    });

    it('uses a registered propagator named in OTEL_PROPAGATORS, next to built-in styles', () => {
      const custom: TextMapPropagator = {
        inject: (ctx, carrier, setter) => setter.set(carrier, 'x-custom-trace', trace.getSpanContext(ctx)?.traceId ?? 'none'),
        extract: (ctx) => ctx,
        fields: () => ['x-custom-trace'],
      };
      registerPropagator('custom-test', () => custom);
      start({ exporters: [], env: { OTEL_PROPAGATORS: 'custom-test,tracecontext' } });
      const span = trace.getTracer('t').startSpan('p');
      const carrier: Record<string, string> = {};
      propagation.inject(trace.setSpan(context.active(), span), carrier);
      span.end();
      assert.equal(carrier['x-custom-trace'], span.spanContext().traceId);
      assert.match(carrier.traceparent ?? '', new RegExp(`^00-${span.spanContext().traceId}-`));
    });

    it('honours explicit propagators over the environment', () => {
      start({ exporters: [], propagators: ['b3multi'], env: { OTEL_PROPAGATORS: 'tracecontext' } });
      const span = trace.getTracer('t').startSpan('p');
      const carrier: Record<string, string> = {};
      propagation.inject(trace.setSpan(context.active(), span), carrier);
      span.end();
      assert.equal(carrier['x-b3-traceid'], span.spanContext().traceId);
      assert.equal(carrier.traceparent, undefined);
    });
  });

  it('does nothing at all when OTEL_SDK_DISABLED=true', async () => {
    const { tracing } = start({ exporters: [new RecordingExporter()], env: { OTEL_SDK_DISABLED: 'true' } });
    assert.equal(trace.getTracer('t').startSpan('x').isRecording(), false);
    await tracing.shutdown();
  });
});
