// Launcher side: run each service of an example as its own process.
export { launchService, serviceScript, stopAll, type LaunchOptions, type ServiceMessage, type ServiceProcess } from './launch';
// Service side: readiness, ports, graceful stop with a span flush.
export {
  report,
  requiredEnv,
  portFromEnv,
  listen,
  portOf,
  closeServer,
  stopGracefully,
  serveHttp,
  exitWithReason,
  oneLine,
} from './service';
export { getJson, postJson, type JsonResponse } from './http-json';
export { envPort } from './env-port';
export { redactedUrl } from './redacted-url';
// The default view of `npm start`: one waterfall per trace across all services.
export { startWaterfallCollector, renderTraces, type WaterfallCollector } from './combined-waterfall';
// The shape of every example's `npm start`.
export { runWaterfallDemo, runMain, type DemoOptions } from './run-demo';
