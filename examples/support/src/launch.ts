/**
 * Runs each service of the example as its own Node process, the way they would run in production: the
 * launcher passes configuration through env, learns each service's port from an IPC "ready" message (so
 * port 0 works), prefixes its output with its name, and stops it with SIGTERM so it flushes its spans.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';

/** What a service sends its launcher over IPC. */
export interface ServiceMessage {
  type: string;
  [field: string]: unknown;
}

export interface LaunchOptions {
  env: NodeJS.ProcessEnv;
  /** Receives each line the service prints, already prefixed with its name. */
  output: (line: string) => void;
  readyTimeoutMs?: number;
}

export interface ServiceProcess {
  readonly name: string;
  /** Port announced in the service's "ready" message (0 for services that do not listen). */
  readonly port: number;
  /** Resolves with the first message (already received or still to come) that matches. */
  waitForMessage(match: (m: ServiceMessage) => boolean, timeoutMs: number): Promise<ServiceMessage>;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * The service's file next to the caller: `dist/services/x.js` after `tsc -b`, else `src/services/x.ts`
 * (under mocha or tsx), which then runs through tsx with our packages resolved to their sources too.
 */
export function serviceScript(dir: string, name: string): string {
  const built = path.join(dir, `${name}.js`);
  return fs.existsSync(built) ? built : path.join(dir, `${name}.ts`);
}

function execArgvFor(script: string): string[] {
  return script.endsWith('.ts') ? ['--conditions=polytrace-src', '--import', 'tsx'] : [];
}

export async function launchService(name: string, script: string, options: LaunchOptions): Promise<ServiceProcess> {
  const child = fork(script, [], {
    cwd: path.dirname(script),
    env: { ...options.env, OTEL_SERVICE_NAME: name },
    execArgv: execArgvFor(script),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const lastLines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    readline.createInterface({ input: stream }).on('line', (line) => {
      lastLines.push(line);
      if (lastLines.length > 5) lastLines.shift();
      options.output(`[${name}] ${line}`);
    });
  }
  const messages: ServiceMessage[] = [];
  const waiters = new Set<() => void>();
  const wakeAll = (): void => waiters.forEach((wake) => wake());
  let exitCode: number | null | undefined; // undefined while the process runs
  child.on('message', (m: ServiceMessage) => {
    messages.push(m);
    wakeAll();
  });
  // 'close' rather than 'exit': by then its last output lines (often why it stopped) have been read.
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      exitCode = code;
      wakeAll();
      resolve(code);
    }),
  );

  function waitForMessage(match: (m: ServiceMessage) => boolean, timeoutMs: number): Promise<ServiceMessage> {
    return new Promise((resolve, reject) => {
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      const check = (): void => {
        const found = messages.find(match);
        if (found) finish(() => resolve(found));
        else if (exitCode !== undefined) finish(() => reject(new Error(explainExit(name, exitCode ?? null, lastLines))));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`${name} did not answer within ${timeoutMs} ms`))), timeoutMs);
      waiters.add(check);
      check();
    });
  }

  async function stop(): Promise<void> {
    if (exitCode !== undefined) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  }

  try {
    const ready = await waitForMessage((m) => m.type === 'ready', options.readyTimeoutMs ?? 30_000);
    return { name, port: typeof ready.port === 'number' ? ready.port : 0, waitForMessage, exited, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A service that died while starting usually printed why (e.g. "RabbitMQ is not usable…"): surface that line. */
function explainExit(name: string, code: number | null, lastLines: string[]): string {
  const reason = lastLines.length > 0 ? lastLines[lastLines.length - 1] : `exit code ${code}`;
  return `${name} stopped: ${reason}`;
}

/** Stops every started service, in reverse order of start, each once. */
export async function stopAll(services: ServiceProcess[]): Promise<void> {
  for (const service of [...services].reverse()) await service.stop();
}
