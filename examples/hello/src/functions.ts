import { setTimeout as sleep } from 'node:timers/promises';
import { traced, withSpan } from '@polytrace/instrument';

// The nested-and-sibling shape a Go team builds with StartSpanFromContext: each function is a span
// because `traced` wraps it, with no span code inside the function bodies.

export const functionA = traced(async function functionA(): Promise<void> {
  await sleep(10);
});

export const functionC = traced(async function functionC(): Promise<string> {
  await sleep(10);
  return 'c';
});

/** `withSpan` when the body wants the span itself, here to name a Datadog-style resource. */
export function functionB(): Promise<string> {
  return withSpan(
    'functionB',
    async () => {
      await sleep(60);
      const c = await functionC();
      await sleep(60);
      return `b${c}`;
    },
    { resource: 'compute-b' },
  );
}
