import * as http from 'node:http';
import * as https from 'node:https';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { parseHttpEndpoint, type HttpEndpoint } from './endpoint';
import type { EncodedPayload, SendOptions, Transport, TransportResponse } from './types';

export interface HttpTransportOptions {
  /** `http://…`, `https://…` or `unix:///path/to.sock` */
  url: string | URL;
  /** request path; overrides the URL's path (needed with unix: URLs) */
  path?: string;
  /** default `POST` */
  method?: 'POST' | 'PUT';
  /** headers on every request (Content-Type…); a payload's own headers win */
  headers?: Readonly<Record<string, string>>;
  /** keep-alive sockets per endpoint (default 8) */
  maxSockets?: number;
  /** response bytes kept for the exporter author (default 1 MiB); the rest is read and discarded */
  maxResponseBytes?: number;
}

export interface HttpRequestOptions {
  method?: string;
  path?: string;
  headers?: Readonly<Record<string, string>>;
  body?: Uint8Array;
  timeoutMillis: number;
}

function timeoutError(ms: number): Error {
  return Object.assign(new Error(`request timed out after ${ms} ms`), { code: 'ETIMEDOUT' });
}

type RequestFunction = typeof http.request;

/**
 * `http.request` as Node defines it, under any shimmer-style wrapper (instrumentation-http's client patch keeps the
 * original as `__original`). Even with tracing suppressed that patch parses options, starts a non-recording span,
 * injects headers and binds the request emitter on every call; the exporter's own POST needs none of it. Looked up
 * per request: an instrumentation may patch after the transport was built.
 */
function unwrapped(request: RequestFunction): RequestFunction {
  let fn = request;
  for (let depth = 0; depth < 8; depth++) {
    const original = (fn as { __original?: unknown }).__original;
    if (typeof original !== 'function') break;
    fn = original as RequestFunction;
  }
  return fn;
}

/**
 * HTTP(S) or Unix-socket transport with a keep-alive agent. Every request runs with tracing suppressed so the
 * application's own http instrumentation never traces the exporter (no feedback loop), and shimmer-style wrappers of
 * `http.request` are skipped altogether (see `unwrapped`).
 */
export class HttpTransport implements Transport {
  readonly endpoint: HttpEndpoint;
  private readonly agent: http.Agent;
  private readonly method: string;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly maxResponseBytes: number;
  private readonly pending = new Set<http.ClientRequest>();
  private closed = false;

  constructor(options: HttpTransportOptions) {
    this.endpoint = parseHttpEndpoint(options.url, options.path);
    const agentOptions: http.AgentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 16, scheduling: 'lifo' };
    this.agent = this.endpoint.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.method = options.method ?? 'POST';
    this.headers = options.headers ?? {};
    this.maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024;
  }

  send(payload: EncodedPayload, options: SendOptions): Promise<TransportResponse> {
    return this.request({ method: this.method, body: payload.body, headers: payload.headers, timeoutMillis: options.timeoutMillis });
  }

  /** Any request to the same endpoint, e.g. the Datadog agent's `GET /info`. */
  request(options: HttpRequestOptions): Promise<TransportResponse> {
    if (this.closed) return Promise.reject(Object.assign(new Error('transport is shut down'), { code: 'ESHUTDOWN' }));
    return context.with(suppressTracing(context.active()), () => this.doRequest(options));
  }

  private doRequest(options: HttpRequestOptions): Promise<TransportResponse> {
    return new Promise<TransportResponse>((resolve, reject) => {
      const { endpoint } = this;
      const body = options.body;
      const headers: Record<string, string> = { ...this.headers, ...options.headers };
      if (body !== undefined) headers['Content-Length'] = String(body.byteLength);
      const requestOptions: http.RequestOptions = {
        agent: this.agent,
        method: options.method ?? 'GET',
        path: options.path ?? endpoint.path,
        headers,
      };
      if (endpoint.socketPath !== undefined) requestOptions.socketPath = endpoint.socketPath;
      else {
        requestOptions.hostname = endpoint.hostname;
        requestOptions.port = endpoint.port;
      }
      const request = unwrapped(endpoint.protocol === 'https:' ? https.request : http.request)(requestOptions);
      let settled = false;
      const finish = (error: Error | undefined, response?: TransportResponse): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.pending.delete(request);
        if (error) reject(error);
        else resolve(response as TransportResponse);
      };
      // one deadline for the whole exchange: a server that accepts and never answers must not pin memory
      const timer = setTimeout(() => {
        const error = timeoutError(options.timeoutMillis);
        request.destroy(error);
        finish(error);
      }, options.timeoutMillis);
      this.pending.add(request);
      request.on('error', (error) => finish(error));
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          if (kept >= this.maxResponseBytes) return;
          const slice = chunk.subarray(0, this.maxResponseBytes - kept);
          chunks.push(slice);
          kept += slice.length;
        });
        response.on('error', (error) => finish(error));
        response.on('aborted', () => finish(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
        response.on('end', () =>
          finish(undefined, { statusCode: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
        );
      });
      if (body !== undefined) request.end(body);
      else request.end();
    });
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    const error = Object.assign(new Error('transport is shut down'), { code: 'ESHUTDOWN' });
    for (const request of this.pending) request.destroy(error);
    this.agent.destroy();
  }
}
