import assert from 'node:assert/strict';
import http from 'node:http';
import { waitFor } from '../support/wait-for';
import type { RunningChild } from './child';
import { SPAN_KIND } from './otlp-sink';
import { RegisteredApps } from './registered-apps';

function get(port: number, urlPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

describe('flush on termination without changing how the app exits', () => {
  const apps = RegisteredApps.install();

  /** Starts the server with a batch delay long enough that only a shutdown flush can export. */
  async function startServer(extraEnv: Record<string, string> = {}): Promise<{ app: RunningChild; port: number }> {
    const app = apps.start('--require', 'server-app.cjs', {
      OTEL_SERVICE_NAME: 'long-running',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_BSP_SCHEDULE_DELAY: '600000',
      ...extraEnv,
    });
    const line = await waitFor(() => /listening (\d+)/.exec(app.stdout())?.[1], 'the server to listen');
    return { app, port: Number(line) };
  }

  it('SIGTERM with no app handler: pending spans are exported, then the process dies of SIGTERM as before', async () => {
    const { app, port } = await startServer();
    assert.equal(await get(port, '/pending'), 'served /pending');
    assert.equal(apps.sink.spans.length, 0, 'nothing exported yet: the batch waits 10 minutes');
    app.child.kill('SIGTERM');
    const result = await app.exited;
    assert.equal(result.signal, 'SIGTERM', `exit code ${result.code}, stderr: ${result.stderr}`);
    const server = apps.sink.spans.find((s) => s.kind === SPAN_KIND.SERVER);
    assert.equal(server?.attributes['url.path'], '/pending');
  });

  it('SIGTERM handled by the app: spans are exported and the app exits its own way (code 0)', async () => {
    const { app, port } = await startServer({ OWN_SIGTERM_HANDLER: '1' });
    await get(port, '/graceful');
    app.child.kill('SIGTERM');
    const result = await app.exited;
    assert.deepEqual([result.code, result.signal], [0, null], result.stderr);
    assert.match(result.stdout, /app handled SIGTERM/);
    assert.equal(apps.sink.spans.find((s) => s.kind === SPAN_KIND.SERVER)?.attributes['url.path'], '/graceful');
  });

  it('SIGINT with no app handler behaves like SIGTERM', async () => {
    const { app, port } = await startServer();
    await get(port, '/interrupted');
    app.child.kill('SIGINT');
    const result = await app.exited;
    assert.equal(result.signal, 'SIGINT');
    assert.equal(apps.sink.spans.find((s) => s.kind === SPAN_KIND.SERVER)?.attributes['url.path'], '/interrupted');
  });
});
