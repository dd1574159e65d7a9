// The two zipkin-js modules the inventory service uses ship no types; just what it calls.
declare module 'zipkin-context-cls' {
  import type { Context, TraceId } from 'zipkin';
  class CLSContext implements Context<TraceId> {
    constructor(namespace?: string, supportAsyncAwait?: boolean);
    setContext(ctx: TraceId): void;
    getContext(): TraceId;
    scoped<V>(callable: () => V): V;
    letContext<V>(ctx: TraceId, callable: () => V): V;
  }
  export = CLSContext;
}

declare module 'zipkin-instrumentation-fetch' {
  import type { Tracer } from 'zipkin';
  function wrapFetch(
    fetchImpl: typeof fetch,
    options: { tracer: Tracer; serviceName?: string; remoteServiceName?: string },
  ): typeof fetch;
  export = wrapFetch;
}
