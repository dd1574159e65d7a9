/** Timings of the retry loop; every value is configurable so tests can run in milliseconds. */
export interface RetryOptions {
  /** total attempts per payload including the first (default 5) */
  maxAttempts?: number;
  /** back-off before the first retry (default 500 ms); doubles each retry */
  initialBackoffMillis?: number;
  /** cap of the exponential back-off (default 10 s) */
  maxBackoffMillis?: number;
  /** cap on a server's `Retry-After` (default 60 s); a longer one is clamped, not obeyed blindly */
  maxRetryAfterMillis?: number;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

export function resolveRetryOptions(options: RetryOptions | undefined): ResolvedRetryOptions {
  return {
    maxAttempts: Math.max(1, Math.floor(options?.maxAttempts ?? 5)),
    initialBackoffMillis: Math.max(0, options?.initialBackoffMillis ?? 500),
    maxBackoffMillis: Math.max(0, options?.maxBackoffMillis ?? 10_000),
    maxRetryAfterMillis: Math.max(0, options?.maxRetryAfterMillis ?? 60_000),
  };
}

/**
 * Capped exponential back-off with "equal jitter": half the window is fixed, half random, so retries from many
 * processes spread out but a retry never comes sooner than half the nominal delay.
 */
export function backoffMillis(retryIndex: number, options: ResolvedRetryOptions, random: () => number = Math.random): number {
  const exp = Math.min(options.maxBackoffMillis, options.initialBackoffMillis * 2 ** Math.min(retryIndex, 30));
  return exp / 2 + random() * (exp / 2);
}

/** `Retry-After` is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3). Invalid → undefined. */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // an HTTP-date always names a day/month; Date.parse alone would also accept '-1' or '2026'
  if (!/[A-Za-z]{3}/.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export type Outcome =
  | { kind: 'success' }
  | { kind: 'retry'; retryAfterMillis?: number; reason: string }
  | { kind: 'tooLarge'; reason: string }
  | { kind: 'reject'; reason: string };

/** Network errors a later attempt can fix. Anything else from the network layer is treated the same way unless known fatal. */
const NON_RETRYABLE_ERROR_CODES = new Set(['ERR_INVALID_URL', 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE']);
const TOO_LARGE_ERROR_CODES = new Set(['EMSGSIZE', 'ENOBUFS']);

export function classifyError(error: unknown): Outcome {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const reason = typeof code === 'string' ? `${code}: ${message}` : message;
  if (typeof code === 'string' && TOO_LARGE_ERROR_CODES.has(code)) return { kind: 'tooLarge', reason };
  if (typeof code === 'string' && NON_RETRYABLE_ERROR_CODES.has(code)) return { kind: 'reject', reason };
  return { kind: 'retry', reason };
}

/** 2xx delivered; 413 split; 408/429/5xx retried (honouring Retry-After); every other status is final. */
export function classifyStatus(statusCode: number, retryAfter: string | string[] | undefined): Outcome {
  if (statusCode >= 200 && statusCode < 300) return { kind: 'success' };
  const reason = `HTTP ${statusCode}`;
  if (statusCode === 413) return { kind: 'tooLarge', reason };
  if (statusCode === 408 || statusCode === 429 || statusCode >= 500) {
    return { kind: 'retry', retryAfterMillis: parseRetryAfter(retryAfter), reason };
  }
  return { kind: 'reject', reason };
}
