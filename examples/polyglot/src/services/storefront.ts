/**
 * storefront — a service another team instruments with dd-trace 5 (no Polytrace here). GET /checkout
 * asks the pricing service for a quote; dd-trace sends the Datadog headers and reports to the agent.
 */
import tracer from './dd-init';
import { closeServer, getJson, listen, portFromEnv, portOf, report, requiredEnv } from '@polytrace/example-support';
import express from 'express';

const pricingUrl = requiredEnv('PRICING_URL');

const app = express();
app.get('/checkout', async (_req, res) => {
  // dd-trace's typings omit toTraceId's `get128bit` flag; with it the id is the full 32-hex trace id.
  const context = tracer.scope().active()?.context() as { toTraceId(get128bit: boolean): string } | undefined;
  const traceId = context?.toTraceId(true);
  try {
    const quote = await getJson(`${pricingUrl}/quote?sku=tea-42`);
    res.status(quote.status === 200 ? 200 : 502).json({ traceId, quote: quote.body });
  } catch (error) {
    res.status(502).json({ traceId, error: error instanceof Error ? error.message : String(error) });
  }
});

async function main(): Promise<void> {
  const server = await listen(app, portFromEnv('PORT', 0));
  // dd-trace flushes from a beforeExit hook: close the server and the launcher's IPC channel (which
  // otherwise keeps the process alive) and let the process end on its own.
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void closeServer(server);
    if (process.connected) process.disconnect();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
  report({ type: 'ready', port: portOf(server) });
}

void main();
