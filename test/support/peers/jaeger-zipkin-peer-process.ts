/**
 * Starts a peer service script (test/support/peers/*) as a child process with an IPC channel and waits for its
 * `{ type: 'listening', port }` message. TypeScript scripts run from sources (`--conditions=polytrace-src
 * --import tsx`), like the test suites. Messages other than `listening` are handed to `onMessage`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface PeerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the child wrote to stderr, for failure messages. */
  stderr(): string;
  stop(): Promise<void>;
}

export interface PeerOptions {
  env?: Record<string, string>;
  onMessage?: (message: unknown) => void;
  /** How long the child may take to start listening. Default 30 s (two cores, eight engineers). */
  startTimeoutMs?: number;
}

export function startPeer(script: string, options: PeerOptions = {}): Promise<PeerProcess> {
  const path = join(__dirname, script);
  const execArgv = path.endsWith('.ts') ? ['--conditions=polytrace-src', '--import', 'tsx'] : [];
  const child = fork(path, [], { env: { ...process.env, ...options.env }, execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-8000)));

  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      if (child.connected) child.disconnect();
      else child.kill('SIGKILL');
    });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${script} did not start within ${options.startTimeoutMs ?? 30000} ms:\n${stderr}`));
    }, options.startTimeoutMs ?? 30000);
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
