// `node --require @polytrace/node/register app.js`: configured wholly by environment variables.
import { startTracing } from './start-tracing';

startTracing();
