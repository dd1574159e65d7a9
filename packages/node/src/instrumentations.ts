import type { Instrumentation } from '@opentelemetry/instrumentation';

export type InstrumentationName = 'http' | 'express' | 'pg' | 'ioredis' | 'redis' | 'amqplib' | 'undici';

interface Candidate {
  name: InstrumentationName;
  /** The application module whose presence turns this on; none = always (built into Node). */
  detects?: string;
  load(options: AutoInstrumentationOptions): Instrumentation | Instrumentation[];
}

/**
 * Each instrumentation package is `require`d only when its target is present, so an app without
 * pg never pays for loading instrumentation-pg. `undici` also covers Node's global `fetch`.
 */
const CANDIDATES: readonly Candidate[] = [
  { name: 'http', load: loadHttp },
  { name: 'undici', load: () => new (require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici')).UndiciInstrumentation() },
  { name: 'express', detects: 'express', load: () => new (require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express')).ExpressInstrumentation() },
  { name: 'pg', detects: 'pg', load: () => new (require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg')).PgInstrumentation() },
  { name: 'ioredis', detects: 'ioredis', load: () => new (require('@opentelemetry/instrumentation-ioredis') as typeof import('@opentelemetry/instrumentation-ioredis')).IORedisInstrumentation() },
  { name: 'redis', detects: 'redis', load: () => new (require('@opentelemetry/instrumentation-redis') as typeof import('@opentelemetry/instrumentation-redis')).RedisInstrumentation() },
  { name: 'amqplib', detects: 'amqplib', load: () => new (require('@opentelemetry/instrumentation-amqplib') as typeof import('@opentelemetry/instrumentation-amqplib')).AmqplibInstrumentation() },
];

/**
 * Outgoing requests: instrumentation-http. Incoming: our HttpServerInstrumentation, same spans at about half the
 * per-request cost (see its comment and the README's performance section), unless the stock one is asked for.
 */
function loadHttp(options: AutoInstrumentationOptions): Instrumentation[] {
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  if (options.httpServer === 'stock') return [new HttpInstrumentation()];
  const { HttpServerInstrumentation } = require('./http-server/http-server-instrumentation') as typeof import('./http-server/http-server-instrumentation');
  return [new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }), new HttpServerInstrumentation()];
}

export const INSTRUMENTATION_NAMES: readonly InstrumentationName[] = CANDIDATES.map((c) => c.name);

export interface AutoInstrumentationOptions {
  /** Only these (OTEL_NODE_ENABLED_INSTRUMENTATIONS); default all. */
  enabled?: readonly string[];
  /** Never these (OTEL_NODE_DISABLED_INSTRUMENTATIONS). */
  disabled?: readonly string[];
  /** Where the application's modules resolve from; default the working directory and the main script's. */
  resolvePaths?: readonly string[];
  /** Load the enabled ones without checking the application has the module. */
  force?: boolean;
  /** Who traces incoming HTTP requests: Polytrace's lighter instrumentation (default) or instrumentation-http. */
  httpServer?: 'polytrace' | 'stock';
}

export function autoInstrumentations(options: AutoInstrumentationOptions = {}): Instrumentation[] {
  const paths = options.resolvePaths ?? defaultResolvePaths();
  return CANDIDATES.filter(
    (c) =>
      (options.enabled === undefined || options.enabled.includes(c.name)) &&
      !(options.disabled ?? []).includes(c.name) &&
      (options.force === true || c.detects === undefined || canResolve(c.detects, paths)),
  ).flatMap((c) => c.load(options));
}

function defaultResolvePaths(): string[] {
  const main = process.argv[1];
  return main === undefined ? [process.cwd()] : [process.cwd(), require('node:path').dirname(main) as string];
}

function canResolve(moduleName: string, paths: readonly string[]): boolean {
  try {
    require.resolve(moduleName, { paths: [...paths] });
    return true;
  } catch {
    return false;
  }
}
