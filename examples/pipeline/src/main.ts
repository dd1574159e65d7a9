/**
 * `npm start`: runs the pipeline, uploads two records and one that fails in the consumer, waits until
 * the consumer is done with all three, then stops every service so each flushes its spans.
 * Without OTEL_TRACES_EXPORTER the services report to this launcher, which prints one waterfall per
 * trace across all four services; with it (e.g. `datadog`) they report there directly.
 * `npm start -- --keep-running` leaves the services up for your own requests until Ctrl-C.
 */
import { envPort, runMain, runWaterfallDemo } from '@polytrace/example-support';
import { startPipeline, type RunningPipeline, type Upload } from './pipeline';

const DEMO_UPLOADS: Upload[] = [
  { payload: { sensor: 'greenhouse-1', celsius: 21.5 } },
  { payload: { sensor: 'greenhouse-2', celsius: 19.0 } },
  { payload: { sensor: 'greenhouse-3', celsius: -273.5 }, fail: 'consumer' },
];

async function demo(pipeline: RunningPipeline): Promise<void> {
  const sent = await pipeline.upload(DEMO_UPLOADS);
  const ids = sent.flatMap((s) => (s.id ? [s.id] : []));
  const processed = await pipeline.waitProcessed(ids);
  for (const s of sent) {
    const outcome = processed.find((p) => p.id === s.id);
    console.log(`upload ${s.index}: HTTP ${s.status}, trace ${s.traceId ?? '-'}, consumer: ${outcome?.outcome ?? 'never saw it'}`);
  }
}

// Missing RabbitMQ and similar fail as one line naming the fix, not a stack trace.
runMain(() =>
  runWaterfallDemo({
    start: (env) =>
      startPipeline({
        env,
        receiverPort: envPort('PIPELINE_RECEIVER_PORT', 3001),
        processorPort: envPort('PIPELINE_PROCESSOR_PORT', 3002),
      }),
    demo,
    keepRunningHint: (pipeline) =>
      `receiver: curl -X POST -H 'content-type: application/json' -d '{"n":1}' '${pipeline.receiverUrl}/ingest?fail=consumer'`,
  }),
);
