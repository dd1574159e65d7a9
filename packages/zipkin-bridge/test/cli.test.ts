import * as assert from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { startZipkinServer, type ZipkinCaptureServer } from '../../../test/support/zipkin-server';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'packages/zipkin-bridge/src/cli.ts');

interface Started {
  child: ChildProcess;
  exit: Promise<{ code: number | null; stderr: string }>;
  port: Promise<number>;
}

function startCli(args: string[], env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--conditions=polytrace-src', '--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
  const port = new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = /listening on [^:]+:(\d+)/.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    void exit.then(({ code }) => reject(new Error(`CLI exited with ${code}: ${stderr}`)));
  });
  return { child, exit, port };
}

describe('polytrace-zipkin-bridge CLI', () => {
  let zipkin: ZipkinCaptureServer;
  let running: Started | undefined;
  before(async () => {
    zipkin = await startZipkinServer({ strict: true });
  });
  afterEach(() => {
    if (running && running.child.exitCode === null) running.child.kill('SIGKILL');
    running = undefined;
  });
  after(async () => {
    await zipkin.close();
  });

  it('listens on --port, exports to the OTEL_TRACES_EXPORTER from env, and flushes on SIGTERM', async () => {
    running = startCli(['--port', '0', '--host', '127.0.0.1'], { OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.v2Url });
    const port = await running.port;
    const span = { traceId: '463ac35c9f6413ad', id: 'a2fb4a1d1a96d312', name: 'from zipkin-js', kind: 'SERVER', timestamp: 1700000000000000, duration: 10, localEndpoint: { serviceName: 'legacy' } };
    const res = await fetch(`http://127.0.0.1:${port}/api/v2/spans`, { method: 'POST', body: JSON.stringify([span]), headers: { 'content-type': 'application/json' } });
    assert.strictEqual(res.status, 202);
    const [received] = await zipkin.waitForSpans(1, 20_000);
    assert.deepStrictEqual(
      [received.traceId, received.id, received.kind, received.timestamp, received.duration, received.localEndpoint?.serviceName],
      [span.traceId, span.id, 'SERVER', span.timestamp, span.duration, 'legacy'],
    );
    running.child.kill('SIGTERM');
    assert.strictEqual((await running.exit).code, 0);
  });

  it('exits with a message on an unknown exporter', async () => {
    running = startCli(['--port', '0'], { OTEL_TRACES_EXPORTER: 'nosuch' });
    const { code, stderr } = await running.exit;
    assert.strictEqual(code, 2);
    assert.match(stderr, /unknown exporter nosuch/);
  });
});
