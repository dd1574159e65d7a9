import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { FIXTURES, killIfRunning, requireBuiltNode, startNode, waitFor, type RunningChild } from './child';
import { OtlpSink, SPAN_KIND } from './otlp-sink';

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
  let sink: OtlpSink;
  let endpoint: string;
  let running: RunningChild | undefined;

  before(async () => {
    requireBuiltNode();
    sink = new OtlpSink();
    endpoint = await sink.start();
  });
  afterEach(() => {
    killIfRunning(running);
    sink.spans.length = 0;
  });
  after(() => sink.close());

  /** Starts the server with a batch delay long enough that only a shutdown flush can export. */
  async function startServer(extraEnv: Record<string, string> = {}): Promise<number> {
    running = startNode(['--require', '@polytrace/node/register', path.join(FIXTURES, 'server-app.cjs')], {
      OTEL_SERVICE_NAME: 'long-running',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '600000',
      ...extraEnv,
    });
    const child = running;
    const line = await waitFor(() => /listening (\d+)/.exec(child.stdout())?.[1], 'the server to listen');
    return Number(line);
  }

  it('SIGTERM with no app handler: pending spans are exported, then the process dies of SIGTERM as before', async () => {
    const port = await startServer();
    assert.equal(await get(port, '/pending'), 'served /pending');
    assert.equal(sink.spans.length, 0, 'nothing exported yet: the batch waits 10 minutes');
    running?.child.kill('SIGTERM');
    const result = await (running as RunningChild).exited;
    assert.equal(result.signal, 'SIGTERM', `exit code ${result.code}, stderr: ${result.stderr}`);
    const server = sink.spans.find((s) => s.kind === SPAN_KIND.SERVER);
    assert.equal(server?.attributes['url.path'], '/pending');
  });

  it('SIGTERM handled by the app: spans are exported and the app exits its own way (code 0)', async () => {
    const port = await startServer({ OWN_SIGTERM_HANDLER: '1' });
    await get(port, '/graceful');
    running?.child.kill('SIGTERM');
    const result = await (running as RunningChild).exited;
    assert.deepEqual([result.code, result.signal], [0, null], result.stderr);
    assert.match(result.stdout, /app handled SIGTERM/);
    assert.equal(sink.spans.find((s) => s.kind === SPAN_KIND.SERVER)?.attributes['url.path'], '/graceful');
  });

  it('SIGINT with no app handler behaves like SIGTERM', async () => {
    const port = await startServer();
    await get(port, '/interrupted');
    running?.child.kill('SIGINT');
    const result = await (running as RunningChild).exited;
    assert.equal(result.signal, 'SIGINT');
    assert.equal(sink.spans.find((s) => s.kind === SPAN_KIND.SERVER)?.attributes['url.path'], '/interrupted');
  });
});
