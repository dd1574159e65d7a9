import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'node');

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningChild {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<ChildResult>;
}

/** Register mode runs the built `dist/`: fail clearly when it is missing instead of timing out. */
export function requireBuiltNode(): void {
  for (const file of ['register.js', 'register.mjs']) {
    if (!fs.existsSync(path.join(ROOT, 'packages', 'node', 'dist', file))) {
      throw new Error(`packages/node/dist/${file} is missing: run \`npx tsc -b packages/node\` (npm test builds it)`);
    }
  }
}

/** Starts `node <args>` in the repository root with only the given variables on top of PATH/HOME. */
export function startNode(args: string[], env: Record<string, string>): RunningChild {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<ChildResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Kills a child still running after a failed test, so nothing outlives the suite. */
export function killIfRunning(running: RunningChild | undefined): void {
  if (running !== undefined && running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGKILL');
}
