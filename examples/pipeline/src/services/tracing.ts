/**
 * Started before anything else in each service (it is the first import), so http and express are
 * instrumented. The exporter comes from OTEL_TRACES_EXPORTER (console by default) and the service name
 * from OTEL_SERVICE_NAME, both set by the launcher.
 */
import { startTracing } from '@polytrace/node';

export const tracing = startTracing({
  // Not amqplib: its publish patch writes its own span into the message headers, over ours. Leaving it
  // out shows the context crossing the queue through @polytrace/instrument's carrier helpers alone,
  // the same code that works over SQS or Kafka, where no such instrumentation exists.
  instrumentations: ['http', 'express'],
  // Each service stops itself (see stopGracefully) and flushes through shutdown().
  handleSignals: false,
});
