'use strict';
// The "stock OpenTelemetry" mode: NodeTracerProvider + BatchSpanProcessor + HttpInstrumentation (+ express) +
// @opentelemetry/exporter-zipkin, configured the way the OTel docs show. Loaded with `--require`.
const { NodeTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-node');
const { ZipkinExporter } = require('@opentelemetry/exporter-zipkin');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express');
const { resourceFromAttributes } = require('@opentelemetry/resources');

const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME || 'bench' }),
  spanProcessors: [new BatchSpanProcessor(new ZipkinExporter({ url: process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT }))],
});
provider.register();
registerInstrumentations({ instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation()] });
const stop = () => provider.shutdown().finally(() => process.exit(0));
process.once('SIGTERM', stop);
