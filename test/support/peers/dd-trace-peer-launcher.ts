/**
 * Forks a dd-trace interop peer (dd-trace-interop-*.js|ts) with an IPC channel and waits for its
 * `{ type: 'listening', port }`. TypeScript peers run from sources like the suites do.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface DdPeer {
  readonly url: string;
  stderr(): string;
  stop(): Promise<void>;
}

export async function startDdPeer(script: string, env: Record<string, string>, startTimeoutMs = 60_000): Promise<DdPeer> {
  const path = join(__dirname, script);
  const execArgv = path.endsWith('.ts') ? ['--conditions=polytrace-src', '--import', 'tsx'] : [];
  const child: ChildProcess = fork(path, [], { env: { ...process.env, ...env }, execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-8000)));

  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      if (child.connected) child.send('stop');
      else child.kill('SIGTERM');
    });

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within ${startTimeoutMs} ms: ${stderr}`)), startTimeoutMs);
    child.on('message', (m: unknown) => {
      if (typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'listening') {
        clearTimeout(timer);
        resolve(Number((m as { port?: unknown }).port));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before listening: ${stderr}`));
    });
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return { url: `http://127.0.0.1:${port}`, stderr: () => stderr, stop };
}
