import { context, createNoopMeter, propagation, trace, ROOT_CONTEXT, SpanKind, SpanStatusCode, ValueType, type Attributes, type Context, type Histogram, type Span } from '@opentelemetry/api';
import { RPCType, setRPCMetadata, type RPCMetadata } from '@opentelemetry/core';
import { InstrumentationBase, InstrumentationNodeModuleDefinition, isWrapped, type InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { errorMonitor } from 'node:events';
import { performance } from 'node:perf_hooks';
import { incomingRequestAttributes } from './incoming-attributes';
import { bindMessageContext, observeResponse, setResponseEmitWrapped, wrapMessageEmit, type ResponseObserver } from './message-context';

/** Spans keep instrumentation-http's scope, so exporters and backends see exactly what the stock instrumentation emits. */
const SCOPE_NAME = '@opentelemetry/instrumentation-http';
const SCOPE_VERSION = (require('@opentelemetry/instrumentation-http/build/src/version') as { VERSION: string }).VERSION;

type ServerEmit = (this: Server, event: string | symbol, ...args: unknown[]) => boolean;
/** What a no-op meter (no MeterProvider registered) hands out: recording into it is skipped, attributes and all. */
const NOOP_HISTOGRAM = createNoopMeter().createHistogram('noop');
type MessageEmit = Parameters<typeof wrapMessageEmit>[0];
interface HttpModule {
  Server: { prototype: { emit: ServerEmit } };
  IncomingMessage?: { prototype: { emit: MessageEmit } };
  ServerResponse?: { prototype: { emit: MessageEmit } };
}

/**
 * The server side of @opentelemetry/instrumentation-http, reimplemented for the per-request cost: same span (name,
 * kind, attributes, status, `http.route` from RPC metadata, exception events), same `http.server.request.duration`
 * metric, same context for the handler and for every listener of the request and response — without the URL
 * parsing, the emitter patching and the closures the stock instrumentation spends on every request. The client side
 * stays with instrumentation-http (`disableIncomingRequestInstrumentation`). Its hooks and options are not
 * offered: applications that need them pass their own HttpInstrumentation instance.
 */
export class HttpServerInstrumentation extends InstrumentationBase {
  private histogram: Histogram | undefined;

  constructor(config: InstrumentationConfig = {}) {
    super(SCOPE_NAME, SCOPE_VERSION, config);
  }

  protected override _updateMetricInstruments(): void {
    this.histogram = undefined; // recreated from the current meter on next use
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition('http', ['*'], (exports: HttpModule) => this.patch(exports, 'http', true), (exports: HttpModule) => this.unpatch(exports, true)),
      new InstrumentationNodeModuleDefinition('https', ['*'], (exports: HttpModule) => this.patch(exports, 'https', false), (exports: HttpModule) => this.unpatch(exports, false)),
    ];
  }

  private patch(exports: HttpModule, component: 'http' | 'https', messages: boolean): HttpModule {
    // loaded through both `require` and `import`: patch the shared prototypes once
    if (!isWrapped(exports.Server.prototype.emit)) {
      this._wrap(exports.Server.prototype, 'emit', (original) => this.serverEmit(original, component));
    }
    if (messages && exports.IncomingMessage && exports.ServerResponse) {
      if (!isWrapped(exports.IncomingMessage.prototype.emit)) this._wrap(exports.IncomingMessage.prototype, 'emit', wrapMessageEmit);
      if (!isWrapped(exports.ServerResponse.prototype.emit)) this._wrap(exports.ServerResponse.prototype, 'emit', wrapMessageEmit);
      setResponseEmitWrapped(true);
    }
    return exports;
  }

  private unpatch(exports: HttpModule, messages: boolean): void {
    if (isWrapped(exports.Server.prototype.emit)) this._unwrap(exports.Server.prototype, 'emit');
    if (messages && exports.IncomingMessage && exports.ServerResponse) {
      if (isWrapped(exports.IncomingMessage.prototype.emit)) this._unwrap(exports.IncomingMessage.prototype, 'emit');
      if (isWrapped(exports.ServerResponse.prototype.emit)) this._unwrap(exports.ServerResponse.prototype, 'emit');
      setResponseEmitWrapped(false);
    }
  }

  private serverEmit(original: ServerEmit, component: 'http' | 'https'): ServerEmit {
    const instrumentation = this;
    // `arguments` rather than a rest parameter: a server emits more than requests, and none should pay for an array
    return function emit(this: Server, event: string | symbol, request?: unknown, response?: unknown): boolean {
      // eslint-disable-next-line prefer-rest-params
      if (event !== 'request') return original.apply(this, arguments as unknown as Parameters<ServerEmit>);
      const exchange = instrumentation.startExchange(request as IncomingMessage, response as ServerResponse, component);
      try {
        // no thisArg: the context manager would bind() a fresh function for it on every request
        return context.with(exchange.ctx, callEmit, undefined, original, this, request, response);
      } catch (error) {
        exchange.fail(error);
        throw error;
      }
    };
  }

  private startExchange(request: IncomingMessage, response: ServerResponse, component: 'http' | 'https'): Exchange {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const attributes = incomingRequestAttributes(request, component);
    const span = this.tracer.startSpan(request.method || 'GET', { kind: SpanKind.SERVER, attributes }, parent);
    const rpc: RPCMetadata = { type: RPCType.HTTP, span };
    const ctx = setRPCMetadata(trace.setSpan(parent, span), rpc);
    const exchange = new Exchange(this, span, ctx, request, response, attributes, rpc, this.durationHistogram() !== NOOP_HISTOGRAM);
    bindMessageContext(request, ctx);
    bindMessageContext(response, ctx);
    if (!observeResponse(response, exchange)) {
      response.on('close', () => exchange.onClose());
      response.on(errorMonitor, (error: unknown) => exchange.onError(error));
    }
    return exchange;
  }

  /** @internal the duration histogram of the current meter (NOOP_HISTOGRAM while no MeterProvider is registered) */
  durationHistogram(): Histogram {
    this.histogram ??= this.meter.createHistogram('http.server.request.duration', {
      description: 'Duration of HTTP server requests.',
      unit: 's',
      valueType: ValueType.DOUBLE,
      advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] },
    });
    return this.histogram;
  }
}

function callEmit(original: ServerEmit, server: Server, request: unknown, response: unknown): boolean {
  return original.call(server, 'request', request, response);
}

/** One request/response: ends the span once, on `close` or on the first error, like instrumentation-http. */
class Exchange implements ResponseObserver {
  /** only read when a real meter records the duration */
  private readonly startedAt: number;
  private ended = false;
  private failed = false;

  constructor(
    private readonly instrumentation: HttpServerInstrumentation,
    private readonly span: Span,
    readonly ctx: Context,
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
    private readonly attributes: Attributes,
    private readonly rpc: RPCMetadata,
    private readonly measured: boolean,
  ) {
    this.startedAt = measured ? performance.now() : 0;
  }

  onClose(): void {
    if (this.failed || this.ended) return; // after an error the span was ended with it
    const status = this.response.statusCode;
    const route = this.rpc.route;
    // one setAttribute per key: setAttributes would walk Object.entries of a fresh object
    this.span.setAttribute('http.response.status_code', status);
    if (route !== undefined) this.span.setAttribute('http.route', route);
    // instrumentation-http: 1xx–4xx leave the status unset on a server span, anything else is an error
    if (!(status >= 100 && status < 500)) this.span.setStatus({ code: SpanStatusCode.ERROR });
    if (route) this.span.updateName(`${this.request.method || 'GET'} ${route}`);
    this.end(route, status, undefined);
  }

  onError(error: unknown): void {
    this.failed = true;
    this.fail(error);
  }

  fail(error: unknown): void {
    if (this.ended) return;
    const err = error instanceof Error ? error : new Error(String(error));
    this.span.setAttribute('error.type', err.name);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    this.span.recordException(err);
    this.end(undefined, undefined, err.name);
  }

  private end(route: string | undefined, status: number | undefined, errorType: string | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.span.end();
    if (!this.measured) return;
    const metric: Attributes = {
      'http.request.method': this.attributes['http.request.method'],
      'url.scheme': this.attributes['url.scheme'],
    };
    const version = this.attributes['network.protocol.version'];
    if (version) metric['network.protocol.version'] = version;
    if (route !== undefined) metric['http.route'] = route;
    if (status) {
      metric['http.response.status_code'] = status;
      if (status >= 500 && status < 600) metric['error.type'] = String(status);
    }
    if (errorType !== undefined) metric['error.type'] = errorType;
    this.instrumentation.durationHistogram().record((performance.now() - this.startedAt) / 1000, metric);
  }
}
