import * as assert from 'node:assert/strict';
import { parseHttpEndpoint, parseRetryAfter } from '@polytrace/exporter-base';

describe('parseHttpEndpoint', () => {
  it('accepts http, https (default ports) and the unix:/// form DD_TRACE_AGENT_URL uses', () => {
    assert.deepEqual(parseHttpEndpoint('http://agent:8126/v0.4/traces?x=1'), {
      protocol: 'http:',
      hostname: 'agent',
      port: 8126,
      path: '/v0.4/traces?x=1',
    });
    assert.equal(parseHttpEndpoint('https://collector.example/api/v2/spans').port, 443);
    assert.equal(parseHttpEndpoint('http://[::1]:9411/').hostname, '::1');
    const uds = parseHttpEndpoint('unix:///var/run/datadog/apm.socket', '/v0.4/traces');
    assert.equal(uds.socketPath, '/var/run/datadog/apm.socket');
    assert.equal(uds.path, '/v0.4/traces');
  });

  it('rejects what it cannot connect to, with a message naming the problem', () => {
    assert.throws(() => parseHttpEndpoint('ftp://x/'), /unsupported URL protocol ftp:/);
    assert.throws(() => parseHttpEndpoint('unix:///'), /without a socket path/);
    assert.throws(() => parseHttpEndpoint('not a url'), TypeError);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP-dates, ignores garbage', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter(['7', '9']), 7000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now), 0, 'a date in the past means now');
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter('-1'), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });
});
