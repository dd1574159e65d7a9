/**
 * The matchmaker's one piece of business logic: the dish from PostgreSQL, candidate wines from
 * PostgreSQL, their current scores from Redis (recomputed the slow way when expired), and the
 * taster's verdict over HTTP. Every step is a span: the SQL statements, Redis commands and the HTTP
 * hop come from auto-instrumentation, the business steps from @polytrace/instrument.
 */
import type { Pool } from 'pg';
import type Redis from 'ioredis';
import { withSpan } from '@polytrace/instrument';
import { postJson } from '@polytrace/example-support';
import { scoreKey, sql, type Catalog } from './catalog';

export interface PairingDeps {
  db: Pool;
  redis: Redis;
  catalog: Catalog;
  tasterUrl: string;
  scoreTtlSeconds: number;
}

export interface Pairing {
  dish: string;
  pick: string;
  candidates: Array<{ name: string; style: string; score: number }>;
  recomputed: number;
}

interface WineRow {
  id: number;
  name: string;
  style: string;
}

export async function findPairing(deps: PairingDeps, dishName: string, forceFresh: boolean): Promise<Pairing | undefined> {
  const statements = sql(deps.catalog);
  const dish = (await deps.db.query<{ id: number; name: string; flavour: string }>(statements.dishByName, [dishName])).rows[0];
  if (!dish) return undefined;
  const wines = (await deps.db.query<WineRow>(statements.winesForFlavour, [dish.flavour])).rows;
  const { scores, recomputed } = await currentScores(deps, wines, forceFresh);
  const candidates = wines.map((w) => ({ name: w.name, style: w.style, score: scores.get(w.id) ?? 0 }));
  const verdict = await postJson(`${deps.tasterUrl}/taste`, { dish: dish.name, flavour: dish.flavour, candidates });
  const pick = (verdict.body as { pick?: unknown } | undefined)?.pick;
  if (verdict.status !== 200 || typeof pick !== 'string') throw new Error(`taster answered ${verdict.status}`);
  return { dish: dish.name, pick, candidates, recomputed };
}

/** Scores live in Redis for `scoreTtlSeconds`; expired (or `fresh`) ones take the slow SQL path. */
async function currentScores(
  deps: PairingDeps,
  wines: WineRow[],
  forceFresh: boolean,
): Promise<{ scores: Map<number, number>; recomputed: number }> {
  const scores = new Map<number, number>();
  if (wines.length === 0) return { scores, recomputed: 0 };
  const cached = forceFresh ? wines.map(() => null) : await deps.redis.mget(wines.map((w) => scoreKey(deps.catalog, w.id)));
  const stale: number[] = [];
  wines.forEach((w, i) => {
    const value = cached[i] == null ? NaN : Number(cached[i]);
    if (Number.isFinite(value)) scores.set(w.id, value);
    else stale.push(w.id);
  });
  if (stale.length > 0) {
    await withSpan(
      'scores.recompute',
      async (span) => {
        span.setAttribute('matchmaker.stale_scores', stale.length);
        const rows = (await deps.db.query<{ wine_id: number; score: number }>(sql(deps.catalog).recomputeScores, [stale])).rows;
        // One SET per score, each with its own expiry: the scores are only good for a while.
        await Promise.all(
          rows.map((row) => {
            scores.set(row.wine_id, row.score);
            return deps.redis.set(scoreKey(deps.catalog, row.wine_id), String(row.score), 'EX', deps.scoreTtlSeconds);
          }),
        );
      },
      { resource: 'recompute scores' },
    );
  }
  return { scores, recomputed: stale.length };
}
