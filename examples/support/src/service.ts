/**
 * What every service process of the example shares: announcing readiness to the launcher, listening on
 * the port it was given (0 = any), and a graceful stop that flushes spans before the process exits.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The part of `startTracing()`'s result a service needs to flush on the way out. */
export interface Flushable {
  shutdown(): Promise<void>;
}

/** Tells the launcher something (no-op when the service runs on its own, without a launcher). */
export function report(message: { type: string; [field: string]: unknown }): void {
  if (process.send && process.connected) process.send(message);
}

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) exitWithReason(`${name} is not set`);
  return value;
}

export function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const port = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) exitWithReason(`${name}=${raw} is not a port number`);
  return port;
}

export async function listen(handler: http.RequestListener, port: number): Promise<http.Server> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return server;
}

export function portOf(server: http.Server): number {
  return (server.address() as AddressInfo).port;
}

export function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * On SIGTERM/SIGINT, or when the launcher goes away, runs `cleanup`, flushes the spans and exits 0.
 * Registering our own handler means the service decides when to exit, after the flush.
 */
export function stopGracefully(tracing: Flushable, cleanup: () => Promise<void>): void {
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await cleanup().catch((error: unknown) => console.error(`cleanup failed: ${oneLine(error)}`));
    await tracing.shutdown();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  process.once('disconnect', () => void stop());
}

/**
 * The whole life of an HTTP service of an example: listens on PORT (0 = any free port), stops gracefully
 * (closes the server, then runs `cleanup` for its other connections, then flushes the spans) and tells the
 * launcher it is ready.
 */
export async function serveHttp(
  handler: http.RequestListener,
  tracing: Flushable,
  cleanup: () => Promise<void> = () => Promise.resolve(),
): Promise<http.Server> {
  const server = await listen(handler, portFromEnv('PORT', 0));
  stopGracefully(tracing, async () => {
    await closeServer(server);
    await cleanup();
  });
  report({ type: 'ready', port: portOf(server) });
  return server;
}

/** Prints one line (no stack trace) and exits: used for configuration and connection problems. */
export function exitWithReason(reason: string): never {
  console.error(reason);
  process.exit(1);
}

export function oneLine(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
