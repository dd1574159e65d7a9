// `node --import @polytrace/node/register app.mjs`: the OpenTelemetry loader hook (import-in-the-middle)
// must be registered before the application's first `import`, so ESM imports of http, express, pg…
// reach the instrumentations just as `require` calls do; then tracing starts from the CJS build.
import { createRequire, register } from 'node:module';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
createRequire(import.meta.url)('./register.js');
