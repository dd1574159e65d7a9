/** taster: POST /taste ranks the candidate wines for a dish (the matchmaker's downstream service). */
import { tracing } from './tracing';
import { serveHttp } from '@polytrace/example-support';
import express from 'express';
import { withSpan } from '@polytrace/instrument';

interface Candidate {
  name: string;
  style: string;
  score: number;
}

function isCandidate(value: unknown): value is Candidate {
  const c = value as Partial<Candidate> | null;
  return c !== null && typeof c === 'object' && typeof c.name === 'string' && typeof c.score === 'number';
}

const app = express();
app.use(express.json({ limit: '100kb' }));
app.post('/taste', async (req, res) => {
  const body = req.body as { flavour?: unknown; candidates?: unknown } | undefined;
  const candidates = Array.isArray(body?.candidates) ? body.candidates.filter(isCandidate) : [];
  if (candidates.length === 0) {
    res.status(400).json({ error: 'no candidates to taste' });
    return;
  }
  const flavour = typeof body?.flavour === 'string' ? body.flavour : 'unknown';
  const pick = await withSpan(
    'taster.judge',
    async (span) => {
      span.setAttribute('taster.candidates', candidates.length);
      // Tasting takes a moment per glass.
      await new Promise((resolve) => setTimeout(resolve, 10 * candidates.length));
      return candidates.reduce((best, c) => (c.score > best.score ? c : best));
    },
    { resource: `judge ${flavour}` },
  );
  res.json({ pick: pick.name });
});

async function main(): Promise<void> {
  await serveHttp(app, tracing);
}

void main();
