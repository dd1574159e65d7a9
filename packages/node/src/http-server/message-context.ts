import { context, type Context } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';

const CONTEXT = Symbol('polytrace.http.serverContext');

type Message = (IncomingMessage | ServerResponse) & { [CONTEXT]?: Context };
type Emit = (this: Message, event: string | symbol, ...args: unknown[]) => boolean;

/**
 * Makes every listener of a server request/response run in the request's context, as instrumentation-http's
 * `context.bind(ctx, emitter)` does. That bind replaces six methods on each emitter and wraps every listener, a
 * dozen closures per request (≈5 µs measured); here the message only carries its context and the shared prototype
 * `emit` enters it, so a request costs one property store. Messages without a context (client responses) are
 * untouched.
 */
export function bindMessageContext(message: IncomingMessage | ServerResponse, ctx: Context): void {
  (message as Message)[CONTEXT] = ctx;
}

export function wrapMessageEmit(original: Emit): Emit {
  return function emit(this: Message, event: string | symbol, ...args: unknown[]): boolean {
    const ctx = this[CONTEXT];
    // most events of a request have no listener at all: entering the context would only cost
    if (ctx === undefined || this.listenerCount(event) === 0) return original.call(this, event, ...args);
    return context.with(ctx, original, this, event, ...args);
  };
}
