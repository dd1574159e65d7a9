/**
 * Started before anything else in each service (it is the first import), so http, express, pg and
 * ioredis are instrumented. The exporter comes from OTEL_TRACES_EXPORTER (console by default) and the
 * service name from OTEL_SERVICE_NAME, both set by the launcher.
 */
import { startTracing } from '@polytrace/node';

// Each service stops itself (see stopGracefully) and flushes through shutdown().
export const tracing = startTracing({ handleSignals: false });
