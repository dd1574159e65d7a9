import { context, type Context } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';

const CONTEXT = Symbol('polytrace.http.serverContext');
const OBSERVER = Symbol('polytrace.http.responseObserver');

/** Told about a server response's end of life by the shared `emit`, so a request needs no listener of its own. */
export interface ResponseObserver {
  /** before the response's `close` listeners (where instrumentation-http's own listener would run) */
  onClose(): void;
  /** before any `error` listener, like an `errorMonitor` listener */
  onError(error: unknown): void;
}

type Message = (IncomingMessage | ServerResponse) & { [CONTEXT]?: Context; [OBSERVER]?: ResponseObserver };
type Emit = (this: Message, event: string | symbol, ...args: unknown[]) => boolean;

/** True while the shared `ServerResponse.prototype.emit` is ours, i.e. `observeResponse` will be honoured. */
let responseEmitWrapped = false;

export function setResponseEmitWrapped(wrapped: boolean): void {
  responseEmitWrapped = wrapped;
}

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

/**
 * Has `observer` called on the response's `close` and `error`; false when the shared `emit` is not ours (an app that
 * only loaded `https`), and the caller must listen itself. Two listeners per request cost two closures and two
 * listener-array growths, and a `close` listener would make every response's `close` enter the context.
 */
export function observeResponse(response: ServerResponse, observer: ResponseObserver): boolean {
  if (!responseEmitWrapped) return false;
  (response as Message)[OBSERVER] = observer;
  return true;
}

export function wrapMessageEmit(original: Emit): Emit {
  return function emit(this: Message, event: string | symbol): boolean {
    const observer = this[OBSERVER];
    if (observer !== undefined) {
      if (event === 'close') observer.onClose();
      else if (event === 'error') observer.onError(arguments[1]);
    }
    const ctx = this[CONTEXT];
    // most events of a request have no listener at all: entering the context would only cost. `arguments` rather
    // than a rest parameter: no array per emit on the path most events take.
    // eslint-disable-next-line prefer-rest-params
    if (ctx === undefined || this.listenerCount(event) === 0) return original.apply(this, arguments as unknown as Parameters<Emit>);
    // 'finish' and friends are mostly emitted from inside the handler, already in the request's context
    // eslint-disable-next-line prefer-rest-params
    if (context.active() === ctx) return original.apply(this, arguments as unknown as Parameters<Emit>);
    // no thisArg: the context manager would bind() a fresh function for it on every call
    // eslint-disable-next-line prefer-rest-params
    return context.with(ctx, applyEmit, undefined, original, this, arguments);
  };
}

function applyEmit(original: Emit, message: Message, args: IArguments): boolean {
  return original.apply(message, args as unknown as Parameters<Emit>);
}
