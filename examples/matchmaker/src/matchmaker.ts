/**
 * Creates this run's tables and seed data, starts the taster and the matchmaker as separate processes,
 * and on stop removes every table and Redis key the run created.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { launchService, serviceScript, stopAll, type ServiceProcess } from '@polytrace/example-support';
import { catalogFor, dropStatement, schemaStatements, type Catalog } from './services/catalog';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, openDatabase, openRedis } from './services/stores';

export interface MatchmakerOptions {
  /** Base environment of both services: exporter choice, DATABASE_URL, REDIS_URL… Defaults to this process's env. */
  env?: NodeJS.ProcessEnv;
  /** 0 picks free ports. */
  webPort?: number;
  tasterPort?: number;
  output?: (line: string) => void;
}

export interface RunningMatchmaker {
  /** `http://127.0.0.1:<port>` of the matchmaker web service. */
  readonly url: string;
  readonly catalog: Catalog;
  stop(): Promise<void>;
}

const SERVICES_DIR = path.join(__dirname, 'services');

async function createSchema(databaseUrl: string, catalog: Catalog): Promise<void> {
  const db = await openDatabase(databaseUrl);
  try {
    for (const statement of schemaStatements(catalog)) await db.query(statement);
  } finally {
    await db.end();
  }
}

async function removeRunData(databaseUrl: string, redisUrl: string, catalog: Catalog): Promise<void> {
  const db = await openDatabase(databaseUrl);
  await db.query(dropStatement(catalog)).finally(() => db.end());
  const redis = await openRedis(redisUrl);
  try {
    const keys = await redis.keys(`${catalog.keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

export async function startMatchmaker(options: MatchmakerOptions = {}): Promise<RunningMatchmaker> {
  const output = options.output ?? ((line: string) => process.stdout.write(`${line}\n`));
  const runId = randomBytes(5).toString('hex');
  const catalog = catalogFor(runId);
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), MATCHMAKER_RUN_ID: runId };
  const databaseUrl = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const redisUrl = env.REDIS_URL || DEFAULT_REDIS_URL;

  // Both stores are checked before any service starts, so a missing one is a single line.
  await openRedis(redisUrl).then((redis) => redis.disconnect());
  await createSchema(databaseUrl, catalog);
  const started: ServiceProcess[] = [];
  const stop = async (): Promise<void> => {
    await stopAll(started);
    await removeRunData(databaseUrl, redisUrl, catalog);
  };
  try {
    const taster = await launchService('taster', serviceScript(SERVICES_DIR, 'taster'), {
      env: { ...env, PORT: String(options.tasterPort ?? 0) },
      output,
    });
    started.push(taster);
    const web = await launchService('matchmaker', serviceScript(SERVICES_DIR, 'web'), {
      env: { ...env, PORT: String(options.webPort ?? 0), TASTER_URL: `http://127.0.0.1:${taster.port}` },
      output,
    });
    started.push(web);
    return { url: `http://127.0.0.1:${web.port}`, catalog, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
