import * as assert from 'node:assert/strict';
import { context, SpanKind, trace, TraceFlags, type Attributes } from '@opentelemetry/api';
import { setDatadogState } from '@polytrace/propagator-datadog';
import { roundTrip, SpanFactory } from './helpers';

/** One span through the real SDK and the encoder, decoded like the agent. */
function mapOne(name: string, kind: SpanKind, attributes: Attributes, resource: Record<string, string> = {}, service?: string) {
  const f = new SpanFactory({ resource });
  f.span(name, { kind, attributes });
  const [[span]] = roundTrip(f.finished(), { service });
  return span;
}

describe('OTel → Datadog mapping (agent OTel V2 rules, specs/datadog.md §4)', () => {
  it('operation names follow the system-tests vectors', () => {
    const vectors: Array<[Attributes, SpanKind, string]> = [
      [{ 'db.system': 'Redis' }, SpanKind.CLIENT, 'redis.query'],
      [{ 'messaging.system': 'Kafka', 'messaging.operation': 'Receive' }, SpanKind.CONSUMER, 'kafka.receive'],
      [{ 'messaging.system': 'Kafka', 'messaging.operation': 'Receive' }, SpanKind.PRODUCER, 'kafka.receive'],
      [{ 'rpc.system': 'aws-api', 'rpc.service': 'S3' }, SpanKind.CLIENT, 'aws.s3.request'],
      [{ 'rpc.system': 'aws-api' }, SpanKind.CLIENT, 'aws.client.request'],
      [{ 'rpc.system': 'GRPC' }, SpanKind.CLIENT, 'grpc.client.request'],
      [{ 'rpc.system': 'GRPC' }, SpanKind.SERVER, 'grpc.server.request'],
      [{ 'faas.invoked_provider': 'aws', 'faas.invoked_name': 'My-Function' }, SpanKind.CLIENT, 'aws.my-function.invoke'],
      [{ 'faas.trigger': 'Datasource' }, SpanKind.SERVER, 'datasource.invoke'],
      [{ 'graphql.operation.type': 'query' }, SpanKind.SERVER, 'graphql.server.request'],
      [{ 'network.protocol.name': 'Amqp' }, SpanKind.SERVER, 'amqp.server.request'],
      [{ 'network.protocol.name': 'Amqp' }, SpanKind.CLIENT, 'amqp.client.request'],
      [{ 'http.request.method': 'GET' }, SpanKind.SERVER, 'http.server.request'],
      [{ 'http.method': 'GET' }, SpanKind.CLIENT, 'http.client.request'],
      [{}, SpanKind.SERVER, 'server.request'],
      [{}, SpanKind.CLIENT, 'client.request'],
      [{}, SpanKind.PRODUCER, 'producer'],
      [{}, SpanKind.CONSUMER, 'consumer'],
      [{}, SpanKind.INTERNAL, 'internal'],
      [{ 'operation.name': 'overriden.name' }, SpanKind.INTERNAL, 'overriden.name'],
    ];
    for (const [attributes, kind, expected] of vectors) {
      assert.equal(mapOne('otel-span-name', kind, attributes).name, expected, JSON.stringify(attributes));
    }
  });

  it('resources, types and reserved-attribute overrides', () => {
    const server = mapOne('GET', SpanKind.SERVER, { 'http.request.method': 'GET', 'http.route': '/users/:id', 'http.response.status_code': 404 });
    assert.deepEqual([server.resource, server.type, server.meta['http.status_code']], ['GET /users/:id', 'web', '404']);
    const client = mapOne('GET', SpanKind.CLIENT, { 'http.request.method': 'GET', 'http.route': '/ignored', 'url.full': 'http://x/y' });
    assert.deepEqual([client.resource, client.type, client.meta['http.url']], ['GET', 'http', 'http://x/y']);
    const other = mapOne('weird', SpanKind.SERVER, { 'http.request.method': '_OTHER' });
    assert.equal(other.resource, 'HTTP');
    const pg = mapOne('pg.query:SELECT app', SpanKind.CLIENT, { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT * FROM users WHERE id = $1' });
    assert.deepEqual([pg.name, pg.resource, pg.type], ['postgresql.query', 'SELECT * FROM users WHERE id = $1', 'sql']);
    const redis = mapOne('get', SpanKind.CLIENT, { 'db.system.name': 'redis', 'db.operation.name': 'get', 'db.query.text': 'get user:1' });
    assert.deepEqual([redis.name, redis.resource, redis.type], ['redis.query', 'get', 'redis']);
    const mongo = mapOne('find', SpanKind.CLIENT, { 'db.system': 'mongodb' });
    assert.deepEqual([mongo.resource, mongo.type], ['find', 'mongodb']);
    const kafka = mapOne('send', SpanKind.PRODUCER, { 'messaging.system': 'kafka', 'messaging.operation': 'publish', 'messaging.destination.name': 'orders' });
    assert.deepEqual([kafka.resource, kafka.type], ['publish orders', 'custom']);
    const grpc = mapOne('rpc', SpanKind.SERVER, { 'rpc.system': 'grpc', 'rpc.method': 'Get', 'rpc.service': 'Users' });
    assert.equal(grpc.resource, 'Get Users');
    const overridden = mapOne('x', SpanKind.INTERNAL, {
      'operation.name': 'overriden.name', 'resource.name': 'new.name', 'service.name': 'new.service.name', 'span.type': 'new.span.type', 'analytics.event': true,
    });
    assert.deepEqual(
      [overridden.name, overridden.resource, overridden.service, overridden.type, overridden.metrics['_dd1.sr.eausr']],
      ['overriden.name', 'new.name', 'new.service.name', 'new.span.type', 1],
    );
    for (const k of ['operation.name', 'resource.name', 'service.name', 'span.type', 'analytics.event']) {
      assert.equal(overridden.meta[k], undefined, `${k} is not left in meta`);
    }
    assert.equal(mapOne('plain', SpanKind.INTERNAL, {}).resource, 'plain', 'resource defaults to the OTel span name');
    const own = mapOne('own', SpanKind.CLIENT, { env: 'span-env', component: 'my-driver', 'span.kind': 'weird' }, { 'deployment.environment': 'res-env' });
    assert.deepEqual([own.meta.env, own.meta.component, own.meta['span.kind']], ['span-env', 'my-driver', 'weird'], 'span attributes win over the tags we add');
    assert.equal(mapOne('plain', SpanKind.INTERNAL, {}).metrics['_dd.measured'], undefined, 'internal spans are not measured');
  });

  it('service: span attribute, then resource, DD_SERVICE only replacing the SDK placeholder; DD_ENV/DD_VERSION win', () => {
    assert.equal(mapOne('a', SpanKind.INTERNAL, {}, { 'service.name': 'from-resource' }, 'dd-service').service, 'from-resource');
    assert.equal(mapOne('a', SpanKind.INTERNAL, {}, { 'service.name': 'unknown_service:node' }, 'dd-service').service, 'dd-service');
    const f = new SpanFactory({ resource: { 'deployment.environment': 'staging', 'service.version': '1' } });
    f.span('a');
    const [[s]] = roundTrip(f.finished(), { env: 'prod', version: '2', tags: { team: 'payments' } });
    assert.deepEqual([s.meta.env, s.meta.version, s.meta.team], ['prod', '2', 'payments']);
  });

  it('span links and events use the JSON meta forms the agent accepts', () => {
    const f = new SpanFactory();
    const linked = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
    f.span('with-links', { links: [{ context: linked, attributes: { reason: 'retry', n: 3 } }] }, undefined, (s) => s.addEvent('cache-miss', { key: 'u:1' }));
    const [[s]] = roundTrip(f.finished());
    assert.deepEqual(JSON.parse(s.meta['_dd.span_links']), [
      { trace_id: linked.traceId, span_id: linked.spanId, attributes: { reason: 'retry', n: '3' }, flags: 1 },
    ]);
    const [event] = JSON.parse(s.meta.events) as Array<{ name: string; time_unix_nano: number; attributes: Record<string, string> }>;
    assert.equal(event.name, 'cache-miss');
    assert.deepEqual(event.attributes, { key: 'u:1' });
    assert.ok(event.time_unix_nano > 1.6e18);
  });

  it('a trace continued from a remote Datadog parent: parent kept, origin on every span, _dd.p.* on the chunk-first span', () => {
    const f = new SpanFactory();
    const remote = {
      traceId: '640cfd8d00000000112210f47de98115', spanId: '000000003ade68b1', traceFlags: TraceFlags.SAMPLED, isRemote: true,
      traceState: setDatadogState(undefined, { priority: 2, origin: 'synthetics', tags: { '_dd.p.dm': '-4', '_dd.p.usr.id': 'u1' } }),
    };
    const root = f.tracer().startSpan('server', { kind: SpanKind.SERVER }, trace.setSpanContext(context.active(), remote));
    f.span('child', {}, root);
    root.end();
    const [chunk] = roundTrip(f.finished());
    const server = chunk.find((s) => s.resource === 'server')!;
    assert.equal(server.parent_id, 987654321n, 'the remote parent stays, so the agent marks the span top-level');
    for (const s of chunk) {
      assert.equal(s.metrics._sampling_priority_v1, 2);
      assert.equal(s.meta['_dd.origin'], 'synthetics');
    }
    assert.deepEqual(
      [chunk[0].meta['_dd.p.tid'], chunk[0].meta['_dd.p.dm'], chunk[0].meta['_dd.p.usr.id']],
      ['640cfd8d00000000', '-4', 'u1'],
    );
    assert.equal(Object.keys(chunk[1].meta).filter((k) => k.startsWith('_dd.p.')).length, 0);
  });
});
