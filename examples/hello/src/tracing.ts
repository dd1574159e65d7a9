// Imported first by main.ts: tracing must start before `http` is loaded so it can be instrumented.
// Exporters and propagators come from the environment (console by default), so
// `OTEL_TRACES_EXPORTER=zipkin npm start` sends the same demo to Zipkin.
import { startTracing } from '@polytrace/node';

export const tracing = startTracing({
  serviceName: process.env.OTEL_SERVICE_NAME ?? 'hello',
  version: '0.1.0',
  // Traces print as soon as each request's root span ends instead of waiting for a full batch.
  batch: { scheduledDelayMillis: 50 },
});
