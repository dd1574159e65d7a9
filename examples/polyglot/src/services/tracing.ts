/**
 * The Polytrace services' whole tracing setup (first import, before http and express load). Which
 * exporters and propagation styles each one uses is plain env, set by the launcher:
 *   pricing:   OTEL_TRACES_EXPORTER=datadog,zipkin  DD_TRACE_PROPAGATION_STYLE_EXTRACT=datadog
 *              DD_TRACE_PROPAGATION_STYLE_INJECT=b3multi
 *   warehouse: OTEL_TRACES_EXPORTER=zipkin  (the Zipkin default extracts B3)
 */
import { startTracing } from '@polytrace/node';

// Each service stops itself (see stopGracefully) and flushes through shutdown().
export const tracing = startTracing({ handleSignals: false });
