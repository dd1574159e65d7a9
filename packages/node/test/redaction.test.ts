import assert from 'node:assert/strict';
import path from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { isSensitiveParam, redactQuery, redactUrl } from '@polytrace/node';
import { FIXTURES, killIfRunning, startNode, type RunningChild } from '../../../test/node/child';

describe('secret redaction', () => {
  describe('rules', () => {
    it('removes URL userinfo', () => {
      assert.equal(redactUrl('https://alice:hunter2@example.com/path?q=1'), 'https://example.com/path?q=1');
      assert.equal(redactUrl('postgres://app:pw@db:5432/orders'), 'postgres://db:5432/orders');
      assert.equal(redactUrl('http://example.com/a@b'), 'http://example.com/a@b', 'an @ in the path is not userinfo');
    });

    it('redacts sensitive query values and keeps the rest byte for byte', () => {
      assert.equal(
        redactUrl('http://h/cb?code=abc&state=xyz&access_token=t0k&page=2&apiKey=k&X-Amz-Signature=s#frag'),
        'http://h/cb?code=REDACTED&state=xyz&access_token=REDACTED&page=2&apiKey=REDACTED&X-Amz-Signature=REDACTED#frag',
      );
      assert.equal(redactUrl('/search?q=a%20b&password=p&flag'), '/search?q=a%20b&password=REDACTED&flag');
      assert.equal(redactQuery('sig=1&client_secret=2&user=bob'), 'sig=REDACTED&client_secret=REDACTED&user=bob');
    });

    it('recognises the usual names and leaves ordinary ones alone', () => {
      for (const name of ['token', 'id_token', 'refreshToken', 'key', 'api-key', 'password', 'passwd', 'secret', 'signature', 'X-Goog-Signature', 'AWSAccessKeyId', 'session_id']) {
        assert.ok(isSensitiveParam(name), name);
      }
      for (const name of ['page', 'q', 'user', 'sort', 'keyboard', 'tokenizer', 'monkeys']) {
        assert.ok(!isSensitiveParam(name), name);
      }
    });
  });

  describe('on real HTTP spans (child process)', () => {
    let running: RunningChild | undefined;
    afterEach(() => killIfRunning(running));

    it('exports no credentials from the client and server spans, even with header capture on', async () => {
      // A fresh process: instrumentation-http patches `http` only when it is loaded after tracing starts.
      running = startNode(['--conditions=polytrace-src', '--import', 'tsx', path.join(FIXTURES, 'redaction-app.ts')], {});
      const result = await running.exited;
      assert.equal(result.code, 0, result.stderr);
      const spans = JSON.parse(result.stdout) as Array<{ kind: number; attributes: Record<string, unknown> }>;
      assert.deepEqual(spans.map((s) => s.kind).sort(), [SpanKind.SERVER, SpanKind.CLIENT], 'one server and one client span');
      const everything = JSON.stringify(spans);
      for (const secret of ['pa55', 'user:', 't0k3n', 'k3y', 'b34r3r', 'c00kie', 'server-secret']) {
        assert.ok(!everything.includes(secret), `${secret} leaked: ${everything}`);
      }
      const server = spans.find((s) => s.kind === SpanKind.SERVER)?.attributes;
      const client = spans.find((s) => s.kind === SpanKind.CLIENT)?.attributes;
      assert.equal(server?.['url.query'], 'token=REDACTED&page=2&apiKey=REDACTED');
      assert.match(String(client?.['url.full']), /^http:\/\/127\.0\.0\.1:\d+\/login\?token=REDACTED&page=2&apiKey=REDACTED$/);
      for (const header of ['authorization', 'cookie']) assert.deepEqual(server?.[`http.request.header.${header}`], ['REDACTED']);
      assert.deepEqual(server?.['http.response.header.set-cookie'], ['REDACTED']);
      assert.deepEqual(client?.['http.request.header.authorization'], ['REDACTED']);
      assert.deepEqual(server?.['http.request.header.x-request-id'], ['r-1'], 'ordinary captured headers stay');
    });
  });
});
