/** ingest-processor: the HTTP processing service at the end of the pipeline. */
import { tracing } from './tracing';
import { serveHttp } from '@polytrace/example-support';
import express from 'express';
import { createHash } from 'node:crypto';
import { withSpan } from '@polytrace/instrument';

const app = express();
app.use(express.json({ limit: '1mb' }));

app.post('/process', async (req, res) => {
  const record: unknown = req.body;
  const result = await withSpan(
    'processor.enrich',
    async (span) => {
      const digest = createHash('sha256').update(JSON.stringify(record ?? null)).digest('hex');
      span.setAttribute('ingest.digest', digest.slice(0, 16));
      // Stands in for the real work (parsing, enrichment, a write) so the span has a visible width.
      await new Promise((resolve) => setTimeout(resolve, 25));
      return { digest, processedAt: Date.now() };
    },
    { resource: 'enrich record' },
  );
  res.json(result);
});

async function main(): Promise<void> {
  await serveHttp(app, tracing);
}

void main();
