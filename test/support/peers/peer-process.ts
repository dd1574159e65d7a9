/**
 * The one launcher for every peer service script in this directory (dd-trace, zipkin-js, jaeger-client and the
 * Polytrace twins): forks it with an IPC channel and waits for its `{ type: 'listening', port }` message. TypeScript
 * scripts run from sources (`--conditions=polytrace-src --import tsx`), like the test suites. Messages other than
 * `listening` are handed to `onMessage`.
 *
 * Stopping disconnects the IPC channel: every peer flushes its tracer and exits on 'disconnect', so the spans it
 * still holds reach the capture server; a peer that does not exit within the grace period is killed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface PeerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** The last 8000 characters the child wrote to stderr, for failure messages. */
  stderr(): string;
  stop(): Promise<void>;
}

export interface PeerOptions {
  env?: Record<string, string>;
  onMessage?: (message: unknown) => void;
  /** How long the child may take to start listening. Default 30 s (two cores, eight engineers). */
  startTimeoutMs?: number;
}

/** How long a stopping peer gets to flush its tracer before it is killed. */
const STOP_GRACE_MS = 8000;

export function startPeer(script: string, options: PeerOptions = {}): Promise<PeerProcess> {
  const path = join(__dirname, script);
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const execArgv = path.endsWith('.ts') ? ['--conditions=polytrace-src', '--import', 'tsx'] : [];
  const child = fork(path, [], { env: { ...process.env, ...options.env }, execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-8000)));

  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      if (child.connected) child.disconnect();
      else child.kill('SIGTERM');
    });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${script} did not start within ${startTimeoutMs} ms:\n${stderr}`));
    }, startTimeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before listening:\n${stderr}`));
    });
    child.on('message', (message: unknown) => {
      const m = message as { type?: string; port?: number };
      if (m.type === 'listening' && typeof m.port === 'number') {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${m.port}`, child, stderr: () => stderr, stop });
      } else {
        options.onMessage?.(message);
      }
    });
  });
}
