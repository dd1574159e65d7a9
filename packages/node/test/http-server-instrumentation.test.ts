import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { getIncomingRequestAttributes } from '@opentelemetry/instrumentation-http/build/src/utils';
import { incomingRequestAttributes } from '../src/http-server/incoming-attributes';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FIXTURE = path.join(__dirname, 'fixtures', 'http-server-spans.ts');
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** Raw requests covering the fast path and every reason to leave it; `{port}` is the server's port. */
const REQUESTS: Record<string, string> = {
  plain: 'GET /hello HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: parity/1.0\r\nConnection: close\r\n\r\n',
  'host without port': 'GET /a/b.c-d_e~f:g@h HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n',
  'query with a signed parameter': 'GET /x?page=2&sig=secret&X-Amz-Signature=abc HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n',
  'protocol-relative target': 'GET //evil.example/p HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n',
  'dot segments': 'GET /a/../b/./c HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n',
  'encoded dot segment': 'GET /a/%2e%2e/b HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n',
  'percent escapes and unusual characters': 'GET /%7Euser/a%20b/{x}|^ HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n',
  'Forwarded header': 'POST /submit HTTP/1.1\r\nHost: internal:8080\r\nForwarded: for=192.0.2.60;proto=https;host=shop.example\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc',
  'X-Forwarded-* headers': 'PUT /item HTTP/1.1\r\nHost: internal:8080\r\nX-Forwarded-For: 203.0.113.7, 10.0.0.1\r\nX-Forwarded-Host: shop.example:8443\r\nX-Forwarded-Proto: https\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
  'unknown method': 'PURGE /cache HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n',
  'IPv6 host': 'GET /v6 HTTP/1.1\r\nHost: [::1]:{port}\r\nConnection: close\r\n\r\n',
  'host new URL() rejects': 'GET /bad-host HTTP/1.1\r\nHost: 999.1.1.1:80\r\nConnection: close\r\n\r\n',
  'HTTP/1.0 without Host': 'GET /old HTTP/1.0\r\n\r\n',
  'server error': 'GET /fail HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n',
  'client error': 'GET /missing HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n',
  'error emitted on the response': 'GET /emit-error HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n',
  'remote parent': `GET /child HTTP/1.1\r\nHost: localhost:{port}\r\ntraceparent: ${TRACEPARENT}\r\nConnection: close\r\n\r\n`,
};

function send(port: number, raw: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(raw.replace(/\{port\}/g, String(port))));
    socket.on('data', () => undefined);
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

interface SpanSummary {
  name: string;
  kind: number;
  scope: string;
  attributes: Array<[string, unknown]>;
  status: { code: number; message?: string };
  events: string[];
  parentSpanId?: string;
  traceId: string;
  listenersInServerSpan: boolean;
}

function serverSpans(httpServer: 'stock' | 'polytrace', requests: string[] = Object.values(REQUESTS), app = 'plain'): Promise<SpanSummary[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--conditions=polytrace-src', '--import', 'tsx', FIXTURE],
      {
        cwd: ROOT,
        timeout: 60_000,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', REQUESTS: JSON.stringify(requests), APP: app, POLYTRACE_HTTP_SERVER_INSTRUMENTATION: httpServer },
      },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${httpServer} fixture failed: ${error.message}\n${stderr}`));
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '[]') as SpanSummary[]);
      },
    );
  });
}

describe('HTTP server instrumentation (lighter replacement for instrumentation-http incoming spans)', () => {
  describe('start attributes', () => {
    let server: http.Server;
    let port: number;
    const computed: Array<{ ours: Array<[string, unknown]>; stock: Array<[string, unknown]> }> = [];

    before(async () => {
      server = http.createServer((req, res) => {
        const stock = getIncomingRequestAttributes(req, {
          component: 'http',
          enableSyntheticSourceDetection: false,
          redactedQueryParams: ['sig', 'Signature', 'AWSAccessKeyId', 'X-Goog-Signature', 'X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Security-Token'],
        }, { verbose: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined });
        computed.push({ ours: Object.entries(incomingRequestAttributes(req, 'http')), stock: Object.entries(stock) });
        req.resume();
        res.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as net.AddressInfo).port;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    for (const [name, raw] of Object.entries(REQUESTS)) {
      it(`equal to instrumentation-http's, same keys in the same order: ${name}`, async () => {
        computed.length = 0;
        await send(port, raw);
        assert.equal(computed.length, 1, 'the server saw the request');
        assert.deepEqual(computed[0].ours, computed[0].stock);
      });
    }
  });

  it('a real server produces the same spans as instrumentation-http, and request/response listeners run in the server span', async () => {
    const [stock, ours] = await Promise.all([serverSpans('stock'), serverSpans('polytrace')]);
    assert.equal(stock.length, Object.keys(REQUESTS).length, `stock spans: ${JSON.stringify(stock)}`);
    assert.equal(ours.length, stock.length);
    const withoutTraceIds = (spans: SpanSummary[]): Array<Omit<SpanSummary, 'traceId'>> => spans.map(({ traceId: _t, ...rest }) => rest);
    assert.deepEqual(withoutTraceIds(ours), withoutTraceIds(stock));

    const names = Object.keys(REQUESTS);
    const failed = ours[names.indexOf('server error')];
    assert.equal(failed.status.code, 2, '5xx is an error on a server span');
    assert.equal(ours[names.indexOf('client error')].status.code, 0, '4xx is not');
    const child = ours[names.indexOf('remote parent')];
    assert.equal(child.traceId, TRACEPARENT.split('-')[1]);
    assert.equal(child.parentSpanId, TRACEPARENT.split('-')[2]);
    assert.ok(ours.every((s) => s.listenersInServerSpan), 'every listener saw the server span as active');
    assert.ok(ours.every((s) => s.scope === '@opentelemetry/instrumentation-http'));
  });

  it('under express, the server span is named after the route and carries http.route, as with instrumentation-http', async () => {
    const requests = ['/users/42', '/users/0'].map((p) => `GET ${p} HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n`);
    const [stock, ours] = await Promise.all([serverSpans('stock', requests, 'express'), serverSpans('polytrace', requests, 'express')]);
    // server spans only: express's own spans have the (random) server span id as parent
    const server = (spans: SpanSummary[]): Array<Omit<SpanSummary, 'traceId' | 'listenersInServerSpan'>> =>
      spans.filter((s) => s.kind === 1).map(({ traceId: _t, listenersInServerSpan: _l, ...rest }) => rest);
    assert.equal(server(stock).length, 2, `stock spans: ${JSON.stringify(stock)}`);
    assert.deepEqual(server(ours), server(stock));
    assert.deepEqual(server(ours).map((s) => [s.name, Object.fromEntries(s.attributes)['http.route'], Object.fromEntries(s.attributes)['http.response.status_code']]), [
      ['GET /users/:id', '/users/:id', 200],
      ['GET /users/:id', '/users/:id', 404],
    ]);
  });
});
