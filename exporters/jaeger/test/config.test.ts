import * as assert from 'node:assert/strict';
import { resolveJaegerConfig } from '@polytrace/exporter-jaeger';

describe('resolveJaegerConfig (env and defaults)', () => {
  it('defaults to UDP compact on localhost:6831, max 65,000 bytes', () => {
    const r = resolveJaegerConfig({ env: {} });
    assert.deepEqual(r.target, { kind: 'udp', host: 'localhost', port: 6831, protocol: 'compact', maxPacketSize: 65_000 });
    assert.equal(r.timeoutMillis, 10_000);
    assert.deepEqual(r.warnings, []);
  });

  it('reads the agent host/port and ties the default port to the protocol', () => {
    const env = { OTEL_EXPORTER_JAEGER_AGENT_HOST: 'agent.local', OTEL_EXPORTER_JAEGER_AGENT_PORT: '16831' };
    assert.deepEqual(resolveJaegerConfig({ env }).target, { kind: 'udp', host: 'agent.local', port: 16831, protocol: 'compact', maxPacketSize: 65_000 });
    const binary = resolveJaegerConfig({ env: { OTEL_EXPORTER_JAEGER_PROTOCOL: 'udp/thrift.binary' } }).target;
    assert.equal(binary.kind === 'udp' && binary.port, 6832);
    assert.equal(binary.kind === 'udp' && binary.protocol, 'binary');
  });

  it('warns about a protocol sent to the other protocol port, and about junk values', () => {
    assert.match(resolveJaegerConfig({ agentProtocol: 'binary', port: 6831, env: {} }).warnings.join(), /6831/);
    const r = resolveJaegerConfig({ env: { OTEL_EXPORTER_JAEGER_AGENT_PORT: 'abc', OTEL_EXPORTER_JAEGER_TIMEOUT: '-1', OTEL_EXPORTER_JAEGER_PROTOCOL: 'grpc' } });
    assert.equal(r.warnings.length, 3);
    assert.equal(r.target.kind === 'udp' && r.target.port, 6831);
    assert.equal(r.timeoutMillis, 10_000);
    const big = resolveJaegerConfig({ maxPacketSize: 70_000, env: {} });
    assert.equal(big.target.kind === 'udp' && big.target.maxPacketSize, 65_000);
    assert.equal(big.warnings.length, 1);
  });

  it('switches to the collector when an endpoint is given; config beats env', () => {
    const env = { OTEL_EXPORTER_JAEGER_ENDPOINT: 'http://collector:14268/api/traces', OTEL_EXPORTER_JAEGER_TIMEOUT: '2500' };
    const r = resolveJaegerConfig({ env });
    assert.equal(r.target.kind, 'http');
    assert.equal(r.target.kind === 'http' && r.target.url, 'http://collector:14268/api/traces');
    assert.equal(r.target.kind === 'http' && r.target.headers['Content-Type'], 'application/x-thrift');
    assert.equal(r.timeoutMillis, 2500);
    const own = resolveJaegerConfig({ endpoint: 'http://mine/api/traces', env });
    assert.equal(own.target.kind === 'http' && own.target.url, 'http://mine/api/traces');
    const defaultHttp = resolveJaegerConfig({ env: { OTEL_EXPORTER_JAEGER_PROTOCOL: 'http/thrift.binary' } });
    assert.equal(defaultHttp.target.kind === 'http' && defaultHttp.target.url, 'http://localhost:14268/api/traces');
  });
});
