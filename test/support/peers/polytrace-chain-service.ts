/**
 * The "Polytrace service" in the middle of the jaeger-client and zipkin-js chain tests: a stock OTel SDK
 * (NodeTracerProvider + HttpInstrumentation, ParentBased(AlwaysOn) sampler) whose Polytrace parts are the propagator
 * under test and, when asked, the Jaeger exporter. Run by `peer-process.ts` (tsx, IPC channel).
 *   SERVICE_NAME  service name (default `polytrace`)
 *   PROPAGATOR    b3 (default, injects single + multi) | b3-multi | b3-single | jaeger
 *   AGENT_PORT    when set, spans go to this Jaeger agent port (UDP, compact) through Polytrace's JaegerExporter;
 *                 otherwise every ended span is reported to the parent over IPC (see reported-spans.ts)
 *   GET /call?next=<url>  calls <url> through the instrumented http client and answers { service, downstream }
 *                         (502 with { service, error } when that call fails)
 *   GET /leaf             answers { service, received: <its request headers> }
 * Tells the parent its port over IPC: { type: 'listening', port }. Flushes and exits on disconnect.
 */
import type { AddressInfo } from 'node:net';
import type { TextMapPropagator } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, ParentBasedSampler, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { JaegerExporter } from '@polytrace/exporter-jaeger';
import { B3Propagator } from '@polytrace/propagator-b3';
import { JaegerPropagator } from '@polytrace/propagator-jaeger';
import { ParentProcessExporter } from './reported-spans';

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

function exporterFromEnv(): SpanExporter {
  const agentPort = process.env.AGENT_PORT;
  if (agentPort === undefined) return new ParentProcessExporter();
  return new JaegerExporter({ host: '127.0.0.1', port: Number(agentPort), agentProtocol: 'compact', env: {} });
}

const service = process.env.SERVICE_NAME ?? 'polytrace';
const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': service }),
  sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
  spanProcessors: [new SimpleSpanProcessor(exporterFromEnv())],
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

const server = http.createServer((req, res) => {
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
