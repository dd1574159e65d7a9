/** The message the receiver puts on the queue and the consumer takes off it. */
import { randomUUID } from 'node:crypto';

export type FailureMode = 'consumer';

/** What the ingest-client uploads: a payload, optionally asking the pipeline to fail somewhere. */
export interface Upload {
  payload: unknown;
  fail?: FailureMode;
}

export interface IngestJob {
  id: string;
  payload: unknown;
  /** Set by `?fail=consumer`: the consumer throws instead of calling the processor. */
  fail?: FailureMode;
  receivedAt: number;
}

export function newJob(payload: unknown, fail: FailureMode | undefined): IngestJob {
  return { id: randomUUID(), payload, fail, receivedAt: Date.now() };
}

export function encodeJob(job: IngestJob): Buffer {
  return Buffer.from(JSON.stringify(job));
}

/** Undefined for anything that is not a job (a stray or corrupted message must not crash the consumer). */
export function decodeJob(content: Buffer): IngestJob | undefined {
  try {
    const value: unknown = JSON.parse(content.toString('utf8'));
    if (value === null || typeof value !== 'object') return undefined;
    const job = value as Partial<IngestJob>;
    if (typeof job.id !== 'string' || typeof job.receivedAt !== 'number') return undefined;
    return { id: job.id, payload: job.payload, fail: job.fail === 'consumer' ? 'consumer' : undefined, receivedAt: job.receivedAt };
  } catch {
    return undefined;
  }
}

export function parseFailureMode(value: unknown): FailureMode | undefined {
  return value === 'consumer' ? 'consumer' : undefined;
}
