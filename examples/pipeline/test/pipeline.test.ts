import * as assert from 'node:assert/strict';
import { DatadogCaptureAgent } from '../../../test/support/datadog-agent';
import { ancestors, traceOf } from '../../../test/support/datadog-trace';
import { only } from '../../../test/support/only';
import { requireServices } from '../../../test/support/services';
import { startPipeline, type RunningPipeline } from '../src/pipeline';

describe('examples/pipeline: HTTP → RabbitMQ → consumer → HTTP', function () {
  this.timeout(120_000);
  let agent: DatadogCaptureAgent | undefined;
  let pipeline: RunningPipeline | undefined;
  const output: string[] = [];

  before(async () => {
    await requireServices(['rabbitmq']);
    agent = await DatadogCaptureAgent.start();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(output.join('\n'));
  });

  after(async () => {
    await pipeline?.stop();
    await agent?.close();
  });

  it('reports one trace across four services, and a consumer failure as the trace’s error end with its stack', async () => {
    pipeline = await startPipeline({
      env: {
        ...process.env,
        OTEL_TRACES_EXPORTER: 'datadog',
        DD_TRACE_AGENT_URL: agent!.url,
        OTEL_BSP_SCHEDULE_DELAY: '200',
      },
      output: (line) => output.push(line),
    });
    const [ok, failed] = await pipeline.upload([
      { payload: { sensor: 'a', celsius: 20 } },
      { payload: { sensor: 'b', celsius: -300 }, fail: 'consumer' },
    ]);
    assert.equal(ok?.status, 202);
    assert.equal(failed?.status, 202, 'the receiver accepts the job; it fails later, in the consumer');
    const outcomes = await pipeline.waitProcessed([ok!.id!, failed!.id!]);
    assert.deepEqual(outcomes.map((o) => o.outcome), ['ok', 'failed']);
    // Stopping flushes every service's spans to the agent.
    await pipeline.stop();
    pipeline = undefined;
    const spans = agent!.spans();
    assert.deepEqual(agent!.violations(), []);

    // The successful request: one trace, one root, every service in it.
    const trace = traceOf(spans, ok!.traceId!);
    const services = new Set(trace.map((s) => s.service));
    assert.deepEqual([...services].sort(), ['ingest-client', 'ingest-consumer', 'ingest-processor', 'ingest-receiver']);
    const spanIds = new Set(trace.map((s) => s.span_id));
    const roots = trace.filter((s) => !spanIds.has(s.parent_id));
    assert.deepEqual(roots.map((s) => [s.service, s.resource, s.parent_id]), [['ingest-client', 'upload', 0n]]);

    // Across the queue the consumer continues from the producer span the receiver injected into the
    // AMQP headers, and the processor's work hangs below the consumer.
    const enqueue = only(trace, (s) => s.resource === 'publish ingest', 'producer span');
    assert.equal(enqueue.service, 'ingest-receiver');
    const consume = only(trace, (s) => s.resource === 'consume ingest', 'consumer span');
    assert.equal(consume.service, 'ingest-consumer');
    assert.equal(consume.parent_id, enqueue.span_id);
    assert.equal(consume.error, 0);
    const enrich = only(trace, (s) => s.resource === 'enrich record', 'processor work span');
    assert.equal(enrich.service, 'ingest-processor');
    assert.ok(ancestors(enrich, trace).includes(consume), 'the processor span descends from the consumer span');
    assert.ok(ancestors(consume, trace).some((s) => s.service === 'ingest-client'));

    // The failing request: the trace ends in the consumer, with the error and where it was thrown.
    const failedTrace = traceOf(spans, failed!.traceId!);
    assert.ok(!failedTrace.some((s) => s.service === 'ingest-processor'), 'the failed job never reached the processor');
    const failedConsume = only(failedTrace, (s) => s.resource === 'consume ingest', 'consumer span of the failed job');
    assert.equal(failedConsume.error, 1);
    assert.match(failedConsume.meta['error.message'] ?? '', /rejected by the consumer/);
    assert.match(failedConsume.meta['error.stack'] ?? '', /ConsumerFailure[\s\S]*consumer\.(ts|js)/);
    assert.ok(!failedTrace.some((s) => s.parent_id === failedConsume.span_id), 'nothing happened after the consumer failed');
  });
});
