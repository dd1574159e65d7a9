/**
 * Starts the pipeline's services as separate processes, in dependency order (processor, consumer,
 * receiver), runs the client against them, and stops them so every one flushes its spans.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { launchService, serviceScript, stopAll, type ServiceMessage, type ServiceProcess } from '@polytrace/example-support';
import { closeBroker, connectBroker, DEFAULT_AMQP_URL } from './services/broker';
import type { Upload } from './services/ingest-job';

export type { Upload } from './services/ingest-job';

export interface PipelineOptions {
  /** Base environment of every service: exporter choice, AMQP_URL… Defaults to this process's env. */
  env?: NodeJS.ProcessEnv;
  /** Receiver and processor ports; 0 picks free ones. */
  receiverPort?: number;
  processorPort?: number;
  /** Where service output goes, one prefixed line at a time. Defaults to stdout. */
  output?: (line: string) => void;
}

export interface SentUpload {
  index: number;
  status: number;
  id?: string;
  traceId?: string;
}

export interface ProcessedJob {
  id: string;
  outcome: 'ok' | 'failed';
  error?: string;
}

export interface RunningPipeline {
  readonly receiverUrl: string;
  readonly queue: string;
  /** Runs the ingest-client with these uploads and resolves once it has flushed and exited. */
  upload(uploads: Upload[]): Promise<SentUpload[]>;
  /** Resolves once the consumer has finished (or failed) each of these jobs. */
  waitProcessed(ids: string[], timeoutMs?: number): Promise<ProcessedJob[]>;
  stop(): Promise<void>;
}

const SERVICES_DIR = path.join(__dirname, 'services');

export async function startPipeline(options: PipelineOptions = {}): Promise<RunningPipeline> {
  const output = options.output ?? ((line: string) => process.stdout.write(`${line}\n`));
  const queue = `polytrace.ingest.${randomBytes(6).toString('hex')}`;
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), PIPELINE_QUEUE: queue };
  // Declaring the run's queue up front finds a missing broker before any service starts.
  await closeBroker(await connectBroker(env.AMQP_URL || DEFAULT_AMQP_URL, queue));
  const started: ServiceProcess[] = [];
  const launch = async (name: string, script: string, extra: NodeJS.ProcessEnv): Promise<ServiceProcess> => {
    const service = await launchService(name, serviceScript(SERVICES_DIR, script), { env: { ...env, ...extra }, output });
    started.push(service);
    return service;
  };

  try {
    const processor = await launch('ingest-processor', 'processor', { PORT: String(options.processorPort ?? 0) });
    const consumer = await launch('ingest-consumer', 'consumer', { PROCESSOR_URL: `http://127.0.0.1:${processor.port}` });
    const receiver = await launch('ingest-receiver', 'receiver', { PORT: String(options.receiverPort ?? 0) });
    const receiverUrl = `http://127.0.0.1:${receiver.port}`;

    return {
      receiverUrl,
      queue,
      async upload(uploads) {
        const client = await launchService('ingest-client', serviceScript(SERVICES_DIR, 'client'), {
          env: { ...env, RECEIVER_URL: receiverUrl, CLIENT_UPLOADS: JSON.stringify(uploads) },
          output,
        });
        const sent = await Promise.all(
          uploads.map((_, index) => client.waitForMessage((m) => m.type === 'sent' && m.index === index, 60_000)),
        );
        await client.exited;
        return sent.map(toSentUpload);
      },
      async waitProcessed(ids, timeoutMs = 60_000) {
        const done = await Promise.all(
          ids.map((id) => consumer.waitForMessage((m) => m.type === 'processed' && m.id === id, timeoutMs)),
        );
        return done.map(toProcessedJob);
      },
      stop: () => stopAll(started),
    };
  } catch (error) {
    await stopAll(started);
    throw error;
  }
}

function toSentUpload(m: ServiceMessage): SentUpload {
  return {
    index: Number(m.index),
    status: Number(m.status),
    id: typeof m.id === 'string' ? m.id : undefined,
    traceId: typeof m.traceId === 'string' ? m.traceId : undefined,
  };
}

function toProcessedJob(m: ServiceMessage): ProcessedJob {
  return {
    id: String(m.id),
    outcome: m.outcome === 'ok' ? 'ok' : 'failed',
    error: typeof m.error === 'string' ? m.error : undefined,
  };
}
