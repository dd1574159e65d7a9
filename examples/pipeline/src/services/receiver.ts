/**
 * ingest-receiver: the HTTP front door. It answers 202 as soon as the job is on the queue; the trace
 * context travels in the message's AMQP headers, written by @polytrace/instrument's injectContext.
 */
import { tracing } from './tracing';
import { exitWithReason, oneLine, requiredEnv, serveHttp } from '@polytrace/example-support';
import express from 'express';
import { SpanKind, trace } from '@opentelemetry/api';
import { amqpHeadersAdapter, injectContext, withSpan, type AmqpHeaders } from '@polytrace/instrument';
import { closeBroker, connectBroker, DEFAULT_AMQP_URL, type Broker } from './broker';
import { encodeJob, newJob, parseFailureMode, type IngestJob } from './ingest-job';

const queue = requiredEnv('PIPELINE_QUEUE');

function enqueue(broker: Broker, job: IngestJob): Promise<void> {
  return withSpan(
    'ingest.enqueue',
    (span) => {
      const headers = injectContext<AmqpHeaders>({}, { adapter: amqpHeadersAdapter });
      span.setAttribute('messaging.message.id', job.id);
      return new Promise<void>((resolve, reject) => {
        broker.channel.sendToQueue(queue, encodeJob(job), { headers, messageId: job.id, contentType: 'application/json' }, (error) =>
          error ? reject(new Error(`broker refused job ${job.id}`)) : resolve(),
        );
      });
    },
    {
      kind: SpanKind.PRODUCER,
      resource: 'publish ingest',
      attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation': 'publish', 'messaging.destination.name': queue },
    },
  );
}

function createApp(broker: Broker): express.Express {
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.post('/ingest', async (req, res) => {
    const job = newJob(req.body ?? {}, parseFailureMode(req.query.fail));
    try {
      await enqueue(broker, job);
      const traceId = trace.getActiveSpan()?.spanContext().traceId;
      res.status(202).json({ id: job.id, traceId });
    } catch (error) {
      res.status(503).json({ error: oneLine(error) });
    }
  });
  return app;
}

async function main(): Promise<void> {
  const broker = await connectBroker(process.env.AMQP_URL || DEFAULT_AMQP_URL, queue).catch((error: unknown) =>
    exitWithReason(oneLine(error)),
  );
  await serveHttp(createApp(broker), tracing, () => closeBroker(broker));
}

void main();
