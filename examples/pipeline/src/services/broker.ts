/** The RabbitMQ side both the receiver and the consumer need: connect, and declare the run's queue. */
import * as amqp from 'amqplib';
import { redactedUrl } from '@polytrace/example-support';

export const DEFAULT_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const START_COMMAND = 'rabbitmq-server -detached';

// The queue is unique per run (its name comes from the launcher) and deletes itself once unused for a
// minute, so parallel or aborted runs never see each other's messages or leave queues behind.
const QUEUE_OPTIONS: amqp.Options.AssertQueue = { durable: false, arguments: { 'x-expires': 60_000 } };

export interface Broker {
  connection: amqp.ChannelModel;
  channel: amqp.ConfirmChannel;
}

export async function connectBroker(url: string, queue: string): Promise<Broker> {
  let connection: amqp.ChannelModel;
  try {
    connection = await amqp.connect(url);
  } catch (error) {
    throw new Error(`RabbitMQ is not reachable at ${redactedUrl(url) ?? '(unparsable AMQP_URL)'} (${reason(error)}); start it with: ${START_COMMAND}`);
  }
  // After start-up a broker restart surfaces as 'error' events; log them rather than crash the service.
  connection.on('error', (error: Error) => console.error(`RabbitMQ connection error: ${error.message}`));
  // A confirm channel, so a publish only counts once the broker has taken the message.
  const channel = await connection.createConfirmChannel();
  channel.on('error', (error: Error) => console.error(`RabbitMQ channel error: ${error.message}`));
  await channel.assertQueue(queue, QUEUE_OPTIONS);
  return { connection, channel };
}

export async function closeBroker(broker: Broker): Promise<void> {
  await broker.connection.close().catch(() => undefined);
}


function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code) return code;
  // amqplib wraps refusals from several addresses in an AggregateError with an empty message.
  if (error instanceof AggregateError) return error.errors.map(reason).join(', ');
  return error instanceof Error ? error.message : String(error);
}
