/**
 * The "Polytrace service" of the Jaeger exporter chain test: a stock OTel SDK (NodeTracerProvider +
 * HttpInstrumentation) with Polytrace's JaegerPropagator and JaegerExporter (UDP, compact, to AGENT_PORT).
 * Run as a child process with `node --conditions=polytrace-src --import tsx` and an IPC channel.
 *   GET /call?next=<url>  calls <url> through the instrumented http client and answers { service, downstream }
 * Tells the parent its port over IPC: { type: 'listening', port }. Flushes and exits on disconnect.
 */
import type { AddressInfo } from 'node:net';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, ParentBasedSampler, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { JaegerExporter } from '@polytrace/exporter-jaeger';
import { JaegerPropagator } from '@polytrace/propagator-jaeger';

const serviceName = process.env.SERVICE_NAME ?? 'polytrace-middle';
const exporter = new JaegerExporter({ host: '127.0.0.1', port: Number(process.env.AGENT_PORT), agentProtocol: 'compact', env: {} });
const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': serviceName }),
  sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});
provider.register({ propagator: new JaegerPropagator() });
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
          } catch (e) {
            reject(e);
          }
        });
      })
      .on('error', reject);
  });
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const next = url.searchParams.get('next');
  const reply = (body: unknown): void => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  };
  if (url.pathname !== '/call' || !next) return reply({ service: serviceName });
  getJson(next).then(
    (downstream) => reply({ service: serviceName, downstream }),
    (err: unknown) => reply({ service: serviceName, error: String(err) }),
  );
});

server.listen(0, '127.0.0.1', () => process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => {
  server.close();
  void provider.shutdown().finally(() => process.exit(0));
});
