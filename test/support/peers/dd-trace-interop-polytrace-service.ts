/**
 * The Polytrace side of the dd-trace propagation interop tests: the OTel Node SDK with HttpInstrumentation,
 * our `createPropagator` configured from the environment exactly as `@polytrace/node` would
 * (`resolvePropagation(process.env, { exporters: ['datadog'] })`), our DatadogSampler and DatadogExporter
 * reporting to DD_TRACE_AGENT_URL, and the processor that turns extracted span links into real ones.
 * Same endpoints as dd-trace-interop-service.js: /hop?to=<url> and /leaf.
 */
import type * as HttpModule from 'node:http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { PolytraceSpanProcessor } from '@polytrace/exporter-base';
import { DatadogExporter } from '@polytrace/exporter-datadog';
import { ExtractedLinksProcessor, createPropagator, resolvePropagation } from '@polytrace/propagation';

const service = process.env.DD_SERVICE ?? 'polytrace-svc';
const exporter = new DatadogExporter({ url: process.env.DD_TRACE_AGENT_URL, service });
const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': service }),
  sampler: exporter.createSampler(),
  spanProcessors: [new ExtractedLinksProcessor(), new PolytraceSpanProcessor(exporter, { scheduledDelayMillis: 20 })],
});
const propagation = resolvePropagation(process.env, { exporters: ['datadog'] });
if (propagation.warnings.length > 0) process.stderr.write(`${propagation.warnings.join('\n')}\n`);
provider.register({ propagator: createPropagator(propagation) });
registerInstrumentations({ instrumentations: [new HttpInstrumentation()] });

// Required only now, so that the instrumentation has patched it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const http = require('node:http') as typeof HttpModule;
const TRACE_HEADER = /^(x-datadog-|traceparent$|tracestate$|baggage$|b3$|x-b3-)/;

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const to = url.searchParams.get('to');
  if (url.pathname === '/hop' && to) {
    http.get(to, (down) => {
      let body = '';
      down.setEncoding('utf8');
      down.on('data', (c: string) => (body += c));
      down.on('end', () => res.end(body));
    }).on('error', (err) => {
      res.statusCode = 502;
      res.end(String(err));
    });
    return;
  }
  const received: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(req.headers)) if (TRACE_HEADER.test(k)) received[k] = v;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(received));
});

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  server.close();
  setTimeout(() => process.exit(0), 5000).unref();
  provider.shutdown().finally(() => process.exit(0));
}

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ type: 'listening', port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('message', (m) => m === 'stop' && stop());
process.on('disconnect', stop);
process.on('SIGTERM', stop);
