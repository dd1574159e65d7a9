import assert from 'node:assert/strict';
import { INSTRUMENTATION_NAMES, readEnvConfig, type Env } from '@polytrace/node';

const EXPORTERS = ['console', 'otlp', 'datadog', 'zipkin', 'jaeger', 'custom'];
const read = (env: Env) => readEnvConfig(env, { exporterNames: EXPORTERS, instrumentationNames: INSTRUMENTATION_NAMES });

/** Each bad value must give exactly one warning, naming the variable and what is accepted. */
function assertOneWarning(env: Env, variable: string, accepted: RegExp): void {
  const { warnings } = read(env);
  assert.equal(warnings.length, 1, `expected one warning for ${JSON.stringify(env)}, got ${JSON.stringify(warnings)}`);
  assert.ok(warnings[0]?.startsWith(variable), `warning should name ${variable}: ${warnings[0]}`);
  assert.match(warnings[0] ?? '', accepted);
}

describe('readEnvConfig', () => {
  it('is empty and silent for an empty environment', () => {
    const { config, warnings } = read({});
    assert.deepEqual(warnings, []);
    assert.equal(config.disabled, false);
    assert.equal(config.serviceName, undefined);
    assert.equal(config.exporters, undefined);
    assert.equal(config.sampler, undefined);
    assert.deepEqual(config.resourceAttributes, {});
    assert.deepEqual(config.batch, { maxQueueSize: undefined, maxExportBatchSize: undefined, scheduledDelayMillis: undefined, exportTimeoutMillis: undefined });
    assert.equal(config.datadogAgentConfigured, false);
  });

  describe('service, version, environment and resource attributes', () => {
    it('reads the Datadog names', () => {
      const { config } = read({ DD_SERVICE: 'billing', DD_VERSION: '1.2.3', DD_ENV: 'staging', DD_TAGS: 'team:payments,region:eu-west-1' });
      assert.equal(config.serviceName, 'billing');
      assert.equal(config.version, '1.2.3');
      assert.equal(config.environment, 'staging');
      assert.deepEqual(config.resourceAttributes, { team: 'payments', region: 'eu-west-1' });
    });

    it('accepts space-separated DD_TAGS and values containing colons', () => {
      const { config } = read({ DD_TAGS: 'team:payments url:http://x:8080' });
      assert.deepEqual(config.resourceAttributes, { team: 'payments', url: 'http://x:8080' });
    });

    it('takes service/env/version from DD_TAGS only when the dedicated DD_* variable is unset', () => {
      assert.equal(read({ DD_TAGS: 'service:from-tags,env:qa,version:9' }).config.serviceName, 'from-tags');
      assert.equal(read({ DD_TAGS: 'env:qa' }).config.environment, 'qa');
      assert.equal(read({ DD_TAGS: 'service:from-tags', DD_SERVICE: 'dd' }).config.serviceName, 'dd');
    });

    it('lets OTEL_* win over DD_*', () => {
      const { config } = read({
        OTEL_SERVICE_NAME: 'otel-name',
        DD_SERVICE: 'dd-name',
        OTEL_RESOURCE_ATTRIBUTES: 'service.version=2.0.0,deployment.environment.name=prod,team=core',
        DD_VERSION: '1.0.0',
        DD_ENV: 'dev',
        DD_TAGS: 'team:payments,cost:42',
      });
      assert.equal(config.serviceName, 'otel-name');
      assert.equal(config.version, '2.0.0');
      assert.equal(config.environment, 'prod');
      assert.equal(config.resourceAttributes.team, 'core');
      assert.equal(config.resourceAttributes.cost, '42');
    });

    it('uses service.name from OTEL_RESOURCE_ATTRIBUTES under OTEL_SERVICE_NAME but over DD_SERVICE', () => {
      assert.equal(read({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=attr', DD_SERVICE: 'dd' }).config.serviceName, 'attr');
      assert.equal(read({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=attr', OTEL_SERVICE_NAME: 'svc' }).config.serviceName, 'svc');
      assert.equal(read({ OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=legacy' }).config.environment, 'legacy');
    });

    it('percent-decodes OTEL_RESOURCE_ATTRIBUTES values', () => {
      assert.equal(read({ OTEL_RESOURCE_ATTRIBUTES: 'owner=J%C3%BCrgen%20M,x=a%2Cb' }).config.resourceAttributes.owner, 'Jürgen M');
      assert.equal(read({ OTEL_RESOURCE_ATTRIBUTES: 'x=a%2Cb' }).config.resourceAttributes.x, 'a,b');
    });

    it('keeps the good pairs and warns once about malformed ones', () => {
      assertOneWarning({ OTEL_RESOURCE_ATTRIBUTES: 'a=1,oops,=2,b=%E0%A4%A' }, 'OTEL_RESOURCE_ATTRIBUTES', /"oops", "=2", "b=%E0%A4%A".*key=value/);
      assert.deepEqual(read({ OTEL_RESOURCE_ATTRIBUTES: 'a=1,oops' }).config.resourceAttributes, { a: '1' });
      assertOneWarning({ DD_TAGS: 'team:payments,lonely' }, 'DD_TAGS', /"lonely".*key:value/);
    });
  });

  describe('OTEL_TRACES_EXPORTER', () => {
    it('reads a comma list, trimmed, case-insensitive, de-duplicated', () => {
      assert.deepEqual(read({ OTEL_TRACES_EXPORTER: ' Datadog , zipkin,datadog' }).config.exporters, ['datadog', 'zipkin']);
      assert.deepEqual(read({ OTEL_TRACES_EXPORTER: 'custom' }).config.exporters, ['custom']);
    });

    it('treats none as no exporter at all', () => {
      assert.deepEqual(read({ OTEL_TRACES_EXPORTER: 'none' }).config.exporters, []);
    });

    it('drops unknown names with one warning listing the accepted ones', () => {
      const { config, warnings } = read({ OTEL_TRACES_EXPORTER: 'zipkin,zipkn' });
      assert.deepEqual(config.exporters, ['zipkin']);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0] ?? '', /^OTEL_TRACES_EXPORTER: ignoring unknown 'zipkn' \(using zipkin\); accepted: console, otlp, datadog, zipkin, jaeger, custom, none\.$/);
    });

    it('falls back to the default (undefined) when nothing valid is named', () => {
      const { config } = read({ OTEL_TRACES_EXPORTER: 'nope' });
      assert.equal(config.exporters, undefined);
      assertOneWarning({ OTEL_TRACES_EXPORTER: 'nope' }, 'OTEL_TRACES_EXPORTER', /'nope' \(no usable exporter left, using the default\); accepted: console/);
    });
  });

  describe('sampling', () => {
    it('reads every OTEL_TRACES_SAMPLER name', () => {
      for (const name of ['always_on', 'always_off', 'parentbased_always_on', 'parentbased_always_off']) {
        assert.deepEqual(read({ OTEL_TRACES_SAMPLER: name.toUpperCase() }).config.sampler, { name, ratio: 1 });
      }
    });

    it('reads OTEL_TRACES_SAMPLER_ARG for the ratio samplers only', () => {
      assert.deepEqual(read({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }).config.sampler, { name: 'traceidratio', ratio: 0.25 });
      assert.deepEqual(read({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' }).config.sampler, {
        name: 'parentbased_traceidratio',
        ratio: 0,
      });
      const { config, warnings } = read({ OTEL_TRACES_SAMPLER: 'always_on', OTEL_TRACES_SAMPLER_ARG: 'junk' });
      assert.deepEqual([config.sampler, warnings], [{ name: 'always_on', ratio: 1 }, []]);
    });

    it('warns about bad sampler values and keeps the defaults', () => {
      assertOneWarning({ OTEL_TRACES_SAMPLER: 'jaeger_remote' }, 'OTEL_TRACES_SAMPLER', /accepted: always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio/);
      assert.equal(read({ OTEL_TRACES_SAMPLER: 'jaeger_remote' }).config.sampler, undefined);
      assertOneWarning({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' }, 'OTEL_TRACES_SAMPLER_ARG', /number from 0 to 1.*Using 1\.0/);
      assert.deepEqual(read({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: 'half' }).config.sampler, { name: 'traceidratio', ratio: 1 });
    });

    it('reads DD_TRACE_SAMPLE_RATE as a ratio and rejects anything else', () => {
      assert.equal(read({ DD_TRACE_SAMPLE_RATE: '0.1' }).config.datadogSampleRate, 0.1);
      assertOneWarning({ DD_TRACE_SAMPLE_RATE: '10%' }, 'DD_TRACE_SAMPLE_RATE', /number from 0 to 1/);
      assertOneWarning({ DD_TRACE_SAMPLE_RATE: '-0.5' }, 'DD_TRACE_SAMPLE_RATE', /number from 0 to 1/);
    });
  });

  describe('OTEL_BSP_*', () => {
    it('reads all four', () => {
      const { config, warnings } = read({
        OTEL_BSP_MAX_QUEUE_SIZE: '100',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10',
        OTEL_BSP_SCHEDULE_DELAY: '0',
        OTEL_BSP_EXPORT_TIMEOUT: '2500',
      });
      assert.deepEqual(warnings, []);
      assert.deepEqual(config.batch, { maxQueueSize: 100, maxExportBatchSize: 10, scheduledDelayMillis: 0, exportTimeoutMillis: 2500 });
    });

    it('warns once per bad value and ignores it', () => {
      assertOneWarning({ OTEL_BSP_MAX_QUEUE_SIZE: '0' }, 'OTEL_BSP_MAX_QUEUE_SIZE', /whole number from 1.*Using 2048/);
      assertOneWarning({ OTEL_BSP_SCHEDULE_DELAY: '1.5s' }, 'OTEL_BSP_SCHEDULE_DELAY', /whole number from 0/);
      assertOneWarning({ OTEL_BSP_EXPORT_TIMEOUT: '-1' }, 'OTEL_BSP_EXPORT_TIMEOUT', /whole number from 1/);
      assertOneWarning({ OTEL_BSP_MAX_EXPORT_BATCH_SIZE: 'many' }, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', /whole number/);
    });

    it('caps the batch at the queue size', () => {
      const { config } = read({ OTEL_BSP_MAX_QUEUE_SIZE: '50', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '100' });
      assert.equal(config.batch.maxExportBatchSize, 50);
      assertOneWarning({ OTEL_BSP_MAX_QUEUE_SIZE: '50', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '100' }, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', /larger than the queue \(50\); using 50/);
    });
  });

  describe('OTEL_EXPORTER_OTLP_* (validated; the OTLP exporter reads them)', () => {
    it('accepts good values silently', () => {
      const { warnings } = read({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector/v1/traces',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key=abc,x-tenant=t%201',
        OTEL_EXPORTER_OTLP_TIMEOUT: '10000',
        OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      });
      assert.deepEqual(warnings, []);
    });

    it('warns about each bad one', () => {
      assertOneWarning({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT', /http:, https:/);
      assertOneWarning({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' }, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', /URL/);
      assertOneWarning({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL', /accepted: http\/json/);
      assertOneWarning({ OTEL_EXPORTER_OTLP_TIMEOUT: '0' }, 'OTEL_EXPORTER_OTLP_TIMEOUT', /whole number/);
      assertOneWarning({ OTEL_EXPORTER_OTLP_COMPRESSION: 'brotli' }, 'OTEL_EXPORTER_OTLP_COMPRESSION', /gzip, none/);
      assertOneWarning({ OTEL_EXPORTER_OTLP_HEADERS: 'novalue' }, 'OTEL_EXPORTER_OTLP_HEADERS', /key=value/);
    });
  });

  describe('Datadog agent variables', () => {
    it('mark the agent as configured (which makes datadog the default exporter)', () => {
      assert.equal(read({ DD_AGENT_HOST: 'dd-agent' }).config.datadogAgentConfigured, true);
      assert.equal(read({ DD_TRACE_AGENT_PORT: '8126' }).config.datadogAgentConfigured, true);
      assert.equal(read({ DD_TRACE_AGENT_URL: 'unix:///var/run/datadog/apm.socket' }).config.datadogAgentConfigured, true);
    });

    it('warn about bad values, which then do not count', () => {
      assertOneWarning({ DD_AGENT_HOST: 'http://dd-agent' }, 'DD_AGENT_HOST', /host name or IP/);
      assertOneWarning({ DD_TRACE_AGENT_PORT: '70000' }, 'DD_TRACE_AGENT_PORT', /from 1 to 65535/);
      assertOneWarning({ DD_TRACE_AGENT_URL: 'ftp://agent' }, 'DD_TRACE_AGENT_URL', /http:, https:, unix:/);
      assert.equal(read({ DD_TRACE_AGENT_PORT: 'x' }).config.datadogAgentConfigured, false);
    });
  });

  describe('switches', () => {
    it('OTEL_SDK_DISABLED and DD_TRACE_ENABLED turn tracing off', () => {
      assert.equal(read({ OTEL_SDK_DISABLED: 'true' }).config.disabled, true);
      assert.equal(read({ OTEL_SDK_DISABLED: 'false' }).config.disabled, false);
      assert.equal(read({ DD_TRACE_ENABLED: 'false' }).config.disabled, true);
      assert.equal(read({ DD_TRACE_ENABLED: '1' }).config.disabled, false);
      assertOneWarning({ OTEL_SDK_DISABLED: 'yes' }, 'OTEL_SDK_DISABLED', /true or false/);
    });

    it('OTEL_NODE_ENABLED/DISABLED_INSTRUMENTATIONS select instrumentations by name', () => {
      const { config } = read({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,pg', OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'undici' });
      assert.deepEqual(config.enabledInstrumentations, ['http', 'pg']);
      assert.deepEqual(config.disabledInstrumentations, ['undici']);
      assertOneWarning({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http,mongo' }, 'OTEL_NODE_DISABLED_INSTRUMENTATIONS', /'mongo'; accepted: http, undici, express/);
    });
  });

  it('never throws, whatever the values', () => {
    const weird = ['', ' ', ',,,', '=', ':', '%', '\u0000', 'x'.repeat(10_000), '1e309', 'NaN', '__proto__=1', 'constructor:x'];
    const names = [
      'OTEL_SERVICE_NAME', 'OTEL_RESOURCE_ATTRIBUTES', 'OTEL_TRACES_EXPORTER', 'OTEL_TRACES_SAMPLER', 'OTEL_TRACES_SAMPLER_ARG',
      'OTEL_BSP_MAX_QUEUE_SIZE', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_HEADERS', 'DD_TAGS', 'DD_TRACE_SAMPLE_RATE',
      'DD_TRACE_AGENT_PORT', 'DD_TRACE_AGENT_URL', 'DD_AGENT_HOST', 'OTEL_SDK_DISABLED',
    ];
    for (const name of names) {
      for (const value of weird) {
        const { config } = read({ OTEL_TRACES_SAMPLER: 'traceidratio', [name]: value });
        assert.equal(typeof config.disabled, 'boolean');
        assert.equal(Object.getPrototypeOf(config.resourceAttributes), Object.prototype);
      }
    }
  });
});
