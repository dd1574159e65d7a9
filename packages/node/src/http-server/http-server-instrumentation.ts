import { context, propagation, trace, ROOT_CONTEXT, SpanKind, SpanStatusCode, ValueType, type Attributes, type Histogram, type Span } from '@opentelemetry/api';
import { RPCType, setRPCMetadata, type RPCMetadata } from '@opentelemetry/core';
import { InstrumentationBase, InstrumentationNodeModuleDefinition, isWrapped, type InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { errorMonitor } from 'node:events';
import { performance } from 'node:perf_hooks';
import { incomingRequestAttributes } from './incoming-attributes';
import { bindMessageContext, wrapMessageEmit } from './message-context';

/** Spans keep instrumentation-http's scope, so exporters and backends see exactly what the stock instrumentation emits. */
const SCOPE_NAME = '@opentelemetry/instrumentation-http';
const SCOPE_VERSION = (require('@opentelemetry/instrumentation-http/build/src/version') as { VERSION: string }).VERSION;

type ServerEmit = (this: Server, event: string | symbol, ...args: unknown[]) => boolean;
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
    }
    return exports;
  }

  private unpatch(exports: HttpModule, messages: boolean): void {
    if (isWrapped(exports.Server.prototype.emit)) this._unwrap(exports.Server.prototype, 'emit');
    if (messages && exports.IncomingMessage && exports.ServerResponse) {
      if (isWrapped(exports.IncomingMessage.prototype.emit)) this._unwrap(exports.IncomingMessage.prototype, 'emit');
      if (isWrapped(exports.ServerResponse.prototype.emit)) this._unwrap(exports.ServerResponse.prototype, 'emit');
    }
  }

  private serverEmit(original: ServerEmit, component: 'http' | 'https'): ServerEmit {
    const instrumentation = this;
    return function emit(this: Server, event: string | symbol, ...args: unknown[]): boolean {
      if (event !== 'request') return original.call(this, event, ...args);
      const request = args[0] as IncomingMessage;
      const response = args[1] as ServerResponse;
      const parent = propagation.extract(ROOT_CONTEXT, request.headers);
      const attributes = incomingRequestAttributes(request, component);
      const span = instrumentation.tracer.startSpan(request.method || 'GET', { kind: SpanKind.SERVER, attributes }, parent);
      const rpc: RPCMetadata = { type: RPCType.HTTP, span };
      const ctx = setRPCMetadata(trace.setSpan(parent, span), rpc);
      const exchange = new Exchange(instrumentation, span, request, response, attributes, rpc);
      bindMessageContext(request, ctx);
      bindMessageContext(response, ctx);
      response.on('close', exchange.onClose);
      response.on(errorMonitor, exchange.onError);
      try {
        return context.with(ctx, original, this, event, ...args);
      } catch (error) {
        exchange.fail(error);
        throw error;
      }
    };
  }

  /** @internal */
  recordDuration(seconds: number, attributes: Attributes): void {
    this.histogram ??= this.meter.createHistogram('http.server.request.duration', {
      description: 'Duration of HTTP server requests.',
      unit: 's',
      valueType: ValueType.DOUBLE,
      advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] },
    });
    this.histogram.record(seconds, attributes);
  }
}

/** One request/response: ends the span once, on `close` or on the first error, like instrumentation-http. */
class Exchange {
  private readonly startedAt = performance.now();
  private ended = false;
  private failed = false;

  constructor(
    private readonly instrumentation: HttpServerInstrumentation,
    private readonly span: Span,
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
    private readonly attributes: Attributes,
    private readonly rpc: RPCMetadata,
  ) {}

  readonly onClose = (): void => {
    if (this.failed || this.ended) return; // after an error the span was ended with it
    const status = this.response.statusCode;
    const route = this.rpc.route;
    const onResponse: Attributes = { 'http.response.status_code': status };
    if (route !== undefined) onResponse['http.route'] = route;
    this.span.setAttributes(onResponse);
    // instrumentation-http: 1xx–4xx leave the status unset on a server span, anything else is an error
    if (!(status >= 100 && status < 500)) this.span.setStatus({ code: SpanStatusCode.ERROR });
    if (route) this.span.updateName(`${this.request.method || 'GET'} ${route}`);
    this.end(route, status, undefined);
  };

  readonly onError = (error: unknown): void => {
    this.failed = true;
    this.fail(error);
  };

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
    this.instrumentation.recordDuration((performance.now() - this.startedAt) / 1000, metric);
  }
}
