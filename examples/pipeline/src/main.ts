/**
 * `npm start`: runs the pipeline, uploads two records and one that fails in the consumer, waits until
 * the consumer is done with all three, then stops every service so each flushes its spans.
 * Without OTEL_TRACES_EXPORTER the services report to this launcher, which prints one waterfall per
 * trace across all four services; with it (e.g. `datadog`) they report there directly.
 * `npm start -- --keep-running` leaves the services up for your own requests until Ctrl-C.
 */
import { envPort, startWaterfallCollector } from '@polytrace/example-support';
import { startPipeline, type Upload } from './pipeline';

const DEMO_UPLOADS: Upload[] = [
  { payload: { sensor: 'greenhouse-1', celsius: 21.5 } },
  { payload: { sensor: 'greenhouse-2', celsius: 19.0 } },
  { payload: { sensor: 'greenhouse-3', celsius: -273.5 }, fail: 'consumer' },
];

async function main(): Promise<void> {
  const collector = process.env.OTEL_TRACES_EXPORTER ? undefined : await startWaterfallCollector();
  const pipeline = await startPipeline({
    env: { ...process.env, ...collector?.env },
    receiverPort: envPort('PIPELINE_RECEIVER_PORT', 3001),
    processorPort: envPort('PIPELINE_PROCESSOR_PORT', 3002),
  }).catch(async (error: unknown) => {
    await collector?.close();
    throw error;
  });
  try {
    const sent = await pipeline.upload(DEMO_UPLOADS);
    const ids = sent.flatMap((s) => (s.id ? [s.id] : []));
    const processed = await pipeline.waitProcessed(ids);
    for (const s of sent) {
      const outcome = processed.find((p) => p.id === s.id);
      console.log(`upload ${s.index}: HTTP ${s.status}, trace ${s.traceId ?? '-'}, consumer: ${outcome?.outcome ?? 'never saw it'}`);
    }
    if (process.argv.includes('--keep-running')) {
      console.log(`receiver: curl -X POST -H 'content-type: application/json' -d '{"n":1}' '${pipeline.receiverUrl}/ingest?fail=consumer'`);
      console.log('Ctrl-C stops the services.');
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
  } finally {
    await pipeline.stop();
    if (collector) console.log(`\n${await collector.close()}`);
  }
}

main().catch((error: unknown) => {
  // Missing RabbitMQ and similar: one line naming the fix, not a stack trace.
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
