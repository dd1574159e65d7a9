/**
 * The one polling wait of the shared test support: suites and capture servers poll what they captured until it is
 * there. Generous default deadline because the suites run on a loaded 2-core machine; the interval only bounds how
 * late a ready value is noticed, never what a test asserts.
 */
const POLL_INTERVAL_MS = 20;

/**
 * Resolves with the first value `probe` returns that is neither undefined nor false; rejects after `timeoutMs`
 * with "timed out after N ms waiting for <what>" (`what` may be a function, to report the state at timeout).
 */
export async function waitFor<T>(
  probe: () => T | undefined | false,
  what: string | (() => string),
  timeoutMs = 20_000,
  errorPrefix = '',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      throw new Error(`${errorPrefix}timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}
