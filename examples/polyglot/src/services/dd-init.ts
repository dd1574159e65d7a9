/**
 * dd-trace must be initialised before http and express are loaded, so it is this file's only job and
 * the storefront's first import. Configuration is the usual DD_* env (DD_SERVICE, DD_TRACE_AGENT_URL,
 * DD_TRACE_PROPAGATION_STYLE_INJECT…), set by the launcher.
 */
import tracer from 'dd-trace';

tracer.init({
  flushInterval: 200,
  startupLogs: false,
  runtimeMetrics: false,
  plugins: true,
});
// Keep the demo's trace to the HTTP and express spans a reader compares across backends.
tracer.use('net', false);
tracer.use('dns', false);

export default tracer;
