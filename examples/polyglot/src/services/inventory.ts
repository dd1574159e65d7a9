/**
 * inventory — a service instrumented with zipkin-js 0.22 (express middleware, instrumented fetch),
 * reporting JSON v2 spans to Zipkin. It reads the B3 headers pricing sends and sends its own onward.
 */
import { closeServer, listen, portFromEnv, portOf, report, requiredEnv } from '@polytrace/example-support';
import express from 'express';
import { BatchRecorder, jsonEncoder, Tracer } from 'zipkin';
import { HttpLogger } from 'zipkin-transport-http';
import { expressMiddleware } from 'zipkin-instrumentation-express';
import CLSContext from 'zipkin-context-cls';
import wrapFetch from 'zipkin-instrumentation-fetch';

const serviceName = 'inventory';
const warehouseUrl = requiredEnv('WAREHOUSE_URL');
const logger = new HttpLogger({ endpoint: requiredEnv('ZIPKIN_ENDPOINT'), jsonEncoder: jsonEncoder.JSON_V2, httpInterval: 200 });
const tracer = new Tracer({
  ctxImpl: new CLSContext('zipkin', true),
  recorder: new BatchRecorder({ logger }),
  localServiceName: serviceName,
  traceId128Bit: true,
});
const tracedFetch = wrapFetch(fetch, { tracer, serviceName, remoteServiceName: 'warehouse' });

const app = express();
app.use(expressMiddleware({ tracer }));
app.get('/stock/:sku', async (req, res) => {
  try {
    const reserved = await tracedFetch(`${warehouseUrl}/reserve/${encodeURIComponent(req.params.sku)}`);
    res.status(reserved.ok ? 200 : 502).json({ sku: req.params.sku, warehouse: await reserved.json() });
  } catch (error) {
    res.status(502).json({ error: error instanceof Error ? error.message : String(error) });
  }
});

/** The parts of HttpLogger its typings leave out: it is an EventEmitter with a queue it can post now. */
interface FlushableHttpLogger {
  queue: unknown[];
  processQueue(fetchImpl: typeof fetch): void;
  once(event: 'success' | 'error', listener: () => void): void;
}

/** zipkin-js batches in its HttpLogger: send what is queued, and wait for that post to finish. */
function flushZipkin(): Promise<void> {
  const pending = logger as unknown as FlushableHttpLogger;
  return new Promise((resolve) => {
    if (pending.queue.length === 0) return resolve();
    const timer = setTimeout(resolve, 5000);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    pending.once('success', done);
    pending.once('error', done);
    pending.processQueue(fetch);
  });
}

async function main(): Promise<void> {
  const server = await listen(app, portFromEnv('PORT', 0));
  const stop = async (): Promise<void> => {
    await closeServer(server);
    await flushZipkin();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  process.once('disconnect', () => void stop());
  report({ type: 'ready', port: portOf(server) });
}

void main();
