/**
 * The "Polytrace service" of the B3 and Jaeger propagation interop tests: a stock OTel SDK (NodeTracerProvider +
 * HttpInstrumentation, ParentBased(AlwaysOn) sampler) whose only Polytrace part is the propagator under test.
 * Run as a child process with `node --conditions=polytrace-src --import tsx` and an IPC channel.
 *   PROPAGATOR = b3 | b3-multi | b3-single | jaeger
 *   GET /call?next=<url>  calls <url> through the instrumented http client and answers { service, downstream }
 *   GET /leaf             answers { service, received: <its request headers> }
 * Every ended span is sent to the parent as { type: 'spans', spans: ReportedSpan[] } (see below), so the test reads
 * the ids this service recorded.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, type TextMapPropagator } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { AlwaysOnSampler, ParentBasedSampler, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { B3Propagator } from '@polytrace/propagator-b3';
import { JaegerPropagator } from '@polytrace/propagator-jaeger';

export interface ReportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: 'server' | 'client' | 'other';
  sampled: boolean;
}

function propagatorFromEnv(): TextMapPropagator {
  switch (process.env.PROPAGATOR) {
    case 'jaeger':
      return new JaegerPropagator();
    case 'b3-multi':
      return new B3Propagator({ injectEncoding: 'multi' });
    case 'b3-single':
      return new B3Propagator({ injectEncoding: 'single' });
    default:
      return new B3Propagator();
  }
}

class ParentProcessExporter implements SpanExporter {
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const reported: ReportedSpan[] = spans.map((span) => ({
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      parentSpanId: span.parentSpanContext?.spanId,
      name: span.name,
      kind: span.kind === SpanKind.SERVER ? 'server' : span.kind === SpanKind.CLIENT ? 'client' : 'other',
      sampled: (span.spanContext().traceFlags & 1) === 1,
    }));
    process.send?.({ type: 'spans', spans: reported });
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const provider = new NodeTracerProvider({
  sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
  spanProcessors: [new SimpleSpanProcessor(new ParentProcessExporter())],
});
provider.register({ propagator: propagatorFromEnv() });
registerInstrumentations({ instrumentations: [new HttpInstrumentation()] });

// Required only after the instrumentation is registered, so that it is patched.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const http = require('node:http') as typeof import('node:http');

function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          try {
            resolve(JSON.parse(body));
          } catch (err) {
            reject(err);
          }
        });
      })
      .on('error', reject);
  });
}

const service = 'polytrace';
const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const answer = (status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (url.pathname === '/call') {
    getJson(url.searchParams.get('next') ?? '').then(
      (downstream) => answer(200, { service, downstream }),
      (err: unknown) => answer(502, { service, error: String(err) }),
    );
  } else {
    answer(200, { service, received: req.headers });
  }
});
server.listen(0, '127.0.0.1', () => process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => {
  server.closeAllConnections();
  server.close();
  void provider.shutdown().finally(() => process.exit(0));
});
