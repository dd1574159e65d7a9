/**
 * ingest-consumer: takes jobs off the queue and hands them to the processor over HTTP. The trace
 * continues from the AMQP headers through @polytrace/instrument's withConsumerSpan, so the span starts
 * when the message is taken: the time the job sat in the queue is the gap before it.
 */
import { tracing } from './tracing';
import { exitWithReason, oneLine, postJson, report, requiredEnv, stopGracefully } from '@polytrace/example-support';
import type { ConsumeMessage } from 'amqplib';
import { setResource, withConsumerSpan } from '@polytrace/instrument';
import { closeBroker, connectBroker, DEFAULT_AMQP_URL, type Broker } from './broker';
import { decodeJob, type IngestJob } from './ingest-job';

const queue = requiredEnv('PIPELINE_QUEUE');
const processorUrl = requiredEnv('PROCESSOR_URL');

class ConsumerFailure extends Error {
  override name = 'ConsumerFailure';
}

async function processJob(job: IngestJob): Promise<void> {
  if (job.fail === 'consumer') {
    // The failure mode of the demo: the request dies here, and the trace ends here with this stack.
    throw new ConsumerFailure(`job ${job.id} rejected by the consumer (fail=consumer)`);
  }
  const response = await postJson(`${processorUrl}/process`, job);
  if (response.status !== 200) throw new Error(`processor answered ${response.status}`);
}

async function handle(broker: Broker, message: ConsumeMessage): Promise<void> {
  const job = decodeJob(message.content);
  try {
    await withConsumerSpan(message, 'ingest.consume', async (span) => {
      setResource(span, 'consume ingest');
      span.setAttributes({
        'messaging.system': 'rabbitmq',
        'messaging.operation': 'process',
        'messaging.destination.name': queue,
        'messaging.message.id': job?.id ?? 'undecodable',
      });
      if (!job) throw new Error('message is not an ingest job');
      await processJob(job);
    });
    broker.channel.ack(message);
    report({ type: 'processed', id: job?.id, outcome: 'ok' });
  } catch (error) {
    // Dead-letter rather than requeue: a failing job must not loop through the queue forever.
    broker.channel.nack(message, false, false);
    console.error(`job ${job?.id ?? '?'} failed: ${oneLine(error)}`);
    report({ type: 'processed', id: job?.id, outcome: 'failed', error: oneLine(error) });
  }
}

async function main(): Promise<void> {
  const broker = await connectBroker(process.env.AMQP_URL || DEFAULT_AMQP_URL, queue).catch((error: unknown) =>
    exitWithReason(oneLine(error)),
  );
  // One job at a time: when jobs arrive faster than they are processed they wait in the queue, which
  // is exactly the gap the trace shows.
  await broker.channel.prefetch(1);
  const { consumerTag } = await broker.channel.consume(queue, (message) => {
    // handle() reports its own failures; this catches the rest (e.g. a nack on a channel closing under us).
    if (message) handle(broker, message).catch((error: unknown) => console.error(`consumer: ${oneLine(error)}`));
  });
  stopGracefully(tracing, async () => {
    await broker.channel.cancel(consumerTag).catch(() => undefined);
    await broker.channel.deleteQueue(queue).catch(() => undefined);
    await closeBroker(broker);
  });
  report({ type: 'ready', port: 0 });
}

void main();
