import assert from 'node:assert/strict';
import { SPAN_KIND } from './otlp-sink';
import { RegisteredApps } from './registered-apps';

describe('zero-code start: node --require / --import @polytrace/node/register', () => {
  const apps = RegisteredApps.install();

  it('CommonJS: a server span for a real request, fanned out to OTLP and the console, secrets redacted', async () => {
    const result = await apps.start('--require', 'http-app.cjs', {
      OTEL_SERVICE_NAME: 'cjs-app',
      OTEL_TRACES_EXPORTER: 'otlp,console',
    }).exited;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^request done$/m, 'the app ran normally');

    const server = apps.sink.spans.find((s) => s.kind === SPAN_KIND.SERVER);
    const client = apps.sink.spans.find((s) => s.kind === SPAN_KIND.CLIENT);
    assert.ok(server && client, `expected a server and a client span, got ${apps.sink.dump()}`);
    assert.equal(server.resource['service.name'], 'cjs-app');
    assert.equal(server.attributes['url.path'], '/hello');
    assert.equal(server.attributes['http.response.status_code'], 200);
    assert.equal(server.traceId, client.traceId, 'the request carried the trace to the server');
    assert.equal(server.parentSpanId, client.spanId);
    assert.doesNotMatch(apps.sink.dump(), /s3cret|Bearer abc/);
    assert.match(String(client.attributes['url.full']), /token=REDACTED&page=2/);

    // The same trace, printed by the console exporter.
    assert.match(result.stdout, new RegExp(`── ${server.traceId} `));
    assert.match(result.stdout, /\n {2}GET · GET \/hello +cjs-app /);
  });

  it('ES modules: the loader hook is installed and a real request produces a server span', async () => {
    const result = await apps.start('--import', 'http-app.mjs', {
      OTEL_SERVICE_NAME: 'esm-app',
      OTEL_TRACES_EXPORTER: 'otlp',
    }).exited;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^request done$/m);
    const server = apps.sink.spans.find((s) => s.kind === SPAN_KIND.SERVER);
    assert.ok(server, `no server span in ${apps.sink.dump()}`);
    assert.equal(server.resource['service.name'], 'esm-app');
    assert.equal(server.attributes['url.path'], '/hello');
    assert.equal(server.attributes['url.query'], 'token=REDACTED&page=2');
  });

  it('a bad variable gives one clear warning and the app still runs', async () => {
    const result = await apps.start('--require', 'http-app.cjs', {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_TRACES_SAMPLER: 'sometimes',
    }).exited;
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^request done$/m);
    const warnings = result.stderr.split('\n').filter((l) => l.startsWith('polytrace:'));
    assert.equal(warnings.length, 1, result.stderr);
    assert.match(warnings[0] ?? '', /OTEL_TRACES_SAMPLER="sometimes" is invalid: accepted: always_on, .*parentbased_traceidratio/);
    assert.ok(apps.sink.spans.some((s) => s.kind === SPAN_KIND.SERVER), 'tracing still works with the default sampler');
  });
});
