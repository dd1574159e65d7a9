/**
 * pricing — a Polytrace service between the two worlds: it continues the storefront's Datadog trace and
 * calls the zipkin-js inventory service with B3 headers, reporting to Datadog and Zipkin at once.
 */
import { tracing } from './tracing';
import { getJson, requiredEnv, serveHttp } from '@polytrace/example-support';
import express from 'express';
import { withSpan } from '@polytrace/instrument';

const inventoryUrl = requiredEnv('INVENTORY_URL');

const app = express();
app.get('/quote', async (req, res) => {
  const sku = typeof req.query.sku === 'string' ? req.query.sku : 'unknown';
  const stock = await getJson(`${inventoryUrl}/stock/${encodeURIComponent(sku)}`);
  if (stock.status !== 200) {
    res.status(502).json({ sku, error: `inventory answered ${stock.status}` });
    return;
  }
  const price = await withSpan('pricing.compute', async () => ({ amount: 4.2, currency: 'EUR' }), { resource: 'compute price' });
  res.json({ sku, price, stock: stock.body });
});

async function main(): Promise<void> {
  await serveHttp(app, tracing);
}

void main();
