/**
 * The Polytrace twin of `dd-trace-exporter-service.js`: same routes, instrumented with the OTel SDK +
 * HttpInstrumentation, exporting through `DatadogExporter` with its sampler and the Datadog propagators.
 * Run as `node --conditions=polytrace-src --import tsx dd-trace-exporter-polytrace.ts`. Env: DD_TRACE_AGENT_URL,
 * DD_SERVICE, DD_ENV. Sends { type: 'listening', port } over IPC once listening; flushes and exits on disconnect or
 * SIGTERM.
 */
import { CompositePropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { PolytraceSpanProcessor } from '@polytrace/exporter-base';
import { DatadogExporter } from '@polytrace/exporter-datadog';
import { DatadogPropagator, TraceContextPropagator } from '@polytrace/propagator-datadog';

const exporter = new DatadogExporter();
const processor = new PolytraceSpanProcessor(exporter, { scheduledDelayMillis: 50 });
const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': process.env.DD_SERVICE ?? 'polytrace-peer' }),
  sampler: exporter.createSampler(),
  spanProcessors: [processor],
});
provider.register({ propagator: new CompositePropagator({ propagators: [new DatadogPropagator(), new TraceContextPropagator()] }) });
registerInstrumentations({ instrumentations: [new HttpInstrumentation()] });

// eslint-disable-next-line @typescript-eslint/no-require-imports -- http must be loaded after instrumentation is enabled
const http = require('node:http') as typeof import('node:http');

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const to = url.searchParams.get('to');
  if (url.pathname === '/hop' && to) {
    http.get(to, (down) => {
      down.resume();
      down.on('end', () => res.end(`downstream ${down.statusCode}\n`));
    }).on('error', (err) => {
      res.statusCode = 502;
      res.end(String(err));
    });
    return;
  }
  if (url.pathname === '/error') {
    const span = trace.getActiveSpan();
    const err = new TypeError('boom from polytrace');
    span?.recordException(err);
    span?.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    res.statusCode = 500;
    res.end('error\n');
    return;
  }
  res.end('ok\n');
});

function stop(): void {
  server.close();
  const exit = setTimeout(() => process.exit(0), 3000);
  exit.unref();
  provider.shutdown().finally(() => process.exit(0));
}

server.listen(0, '127.0.0.1', () => process.send?.({ type: 'listening', port: (server.address() as { port: number }).port }));
process.on('disconnect', stop);
process.on('SIGTERM', stop);
