import { randomUUID } from 'node:crypto';

/** One id per process, as dd-trace tags every span with `runtime-id` (ties traces to runtime metrics). */
export const RUNTIME_ID: string = randomUUID();
