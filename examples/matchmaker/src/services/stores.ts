/** Connections to PostgreSQL and Redis, turning "not running" into one line naming the start command. */
import { Pool } from 'pg';
import Redis from 'ioredis';
import { redactedUrl } from '@polytrace/example-support';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const START = {
  PostgreSQL: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  Redis: 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no',
};

function unreachable(what: keyof typeof START, url: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = code ?? (error instanceof Error ? error.message : String(error));
  return new Error(`${what} is not reachable at ${redactedUrl(url, true) ?? '(unparsable URL)'} (${reason}); start it with: ${START[what]}`);
}

/** A pool that connects on first use (the service's: the launcher has already checked the server). */
export function createPool(url: string): Pool {
  const pool = new Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5000 });
  // An idle connection dropped by the server (a restart) is reported here; requests retry on new ones.
  pool.on('error', (error) => console.error(`PostgreSQL connection error: ${error.message}`));
  return pool;
}

export async function openDatabase(url: string): Promise<Pool> {
  const pool = createPool(url);
  // A pool connects lazily; one round trip now finds a missing server before anything else starts.
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw unreachable('PostgreSQL', url, error);
  }
  return pool;
}

export async function openRedis(url: string): Promise<Redis> {
  // No endless reconnect loop when Redis is down: fail the connect and each command quickly instead.
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  // The socket error (e.g. ECONNREFUSED) says more than connect()'s "Connection is closed".
  let socketError: unknown;
  redis.on('error', (error: unknown) => (socketError ??= error));
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw unreachable('Redis', url, socketError ?? error);
  }
  return redis;
}
