/** matchmaker: GET /pairings/:dish pairs a dish with a wine (PostgreSQL + Redis + the taster service). */
import { tracing } from './tracing';
import { exitWithReason, oneLine, requiredEnv, serveHttp } from '@polytrace/example-support';
import express from 'express';
import { trace } from '@opentelemetry/api';
import { catalogFor } from './catalog';
import { findPairing, type PairingDeps } from './pairing';
import { createPool, DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, openRedis } from './stores';

function createApp(deps: PairingDeps): express.Express {
  const app = express();
  app.get('/pairings/:dish', async (req, res) => {
    const traceId = trace.getActiveSpan()?.spanContext().traceId;
    try {
      const pairing = await findPairing(deps, req.params.dish, req.query.fresh === '1');
      if (!pairing) {
        res.status(404).json({ error: `no dish called ${req.params.dish}`, traceId });
        return;
      }
      res.json({ ...pairing, traceId });
    } catch (error) {
      res.status(502).json({ error: oneLine(error), traceId });
    }
  });
  return app;
}

async function main(): Promise<void> {
  const catalog = catalogFor(requiredEnv('MATCHMAKER_RUN_ID'));
  const ttl = Number(process.env.MATCHMAKER_SCORE_TTL_SECONDS ?? 30);
  const db = createPool(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  const redis = await openRedis(process.env.REDIS_URL || DEFAULT_REDIS_URL).catch((error: unknown) =>
    exitWithReason(oneLine(error)),
  );
  const deps: PairingDeps = {
    db,
    redis,
    catalog,
    tasterUrl: requiredEnv('TASTER_URL'),
    scoreTtlSeconds: Number.isInteger(ttl) && ttl > 0 ? ttl : 30,
  };
  await serveHttp(createApp(deps), tracing, async () => {
    redis.disconnect();
    await db.end();
  });
}

void main();
