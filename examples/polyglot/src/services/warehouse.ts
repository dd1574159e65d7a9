/** warehouse — a Polytrace service at the end of the chain, continuing the trace from B3 headers. */
import { tracing } from './tracing';
import { serveHttp } from '@polytrace/example-support';
import express from 'express';
import { withSpan } from '@polytrace/instrument';

const app = express();
app.get('/reserve/:sku', async (req, res) => {
  const reservation = await withSpan(
    'warehouse.reserve',
    async (span) => {
      span.setAttribute('warehouse.sku', req.params.sku);
      await new Promise((resolve) => setTimeout(resolve, 15));
      return { sku: req.params.sku, shelf: 'B7' };
    },
    { resource: 'reserve stock' },
  );
  res.json(reservation);
});

async function main(): Promise<void> {
  await serveHttp(app, tracing);
}

void main();
