// The tracing modes compared by the end-to-end benchmarks: how to start a server in each, and which sink it needs.
import * as path from 'node:path';
import type { SinkKind } from './sinks';

export interface Mode {
  readonly name: string;
  readonly sink?: SinkKind;
  /** Flushes pending spans on SIGTERM; otherwise the bench waits for its periodic flush before stopping it. */
  readonly flushesOnExit?: boolean;
  /** node arguments placed before the server script. */
  readonly nodeArgs: string[];
  /** Env for the server process, given the sink's port. */
  env(port: number): Record<string, string>;
}

const ROOT = path.resolve(__dirname, '..', '..');
const polytraceRegister = require.resolve('@polytrace/node/register', { paths: [ROOT] });

const quietDd = {
  DD_TRACE_STARTUP_LOGS: 'false',
  DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
  DD_REMOTE_CONFIGURATION_ENABLED: 'false',
  DD_RUNTIME_METRICS_ENABLED: 'false',
  DD_PROFILING_ENABLED: 'false',
  DD_APPSEC_ENABLED: 'false',
  DD_IAST_ENABLED: 'false',
  DD_DATA_STREAMS_ENABLED: 'false',
  DD_CRASHTRACKING_ENABLED: 'false',
};

export const MODES: Record<string, Mode> = {
  untraced: { name: 'untraced', nodeArgs: [], env: () => ({}) },
  'polytrace-datadog': {
    name: 'polytrace-datadog', sink: 'datadog', flushesOnExit: true, nodeArgs: ['--require', polytraceRegister],
    env: (port) => ({ OTEL_TRACES_EXPORTER: 'datadog', DD_TRACE_AGENT_URL: `http://127.0.0.1:${port}` }),
  },
  'polytrace-zipkin': {
    name: 'polytrace-zipkin', sink: 'zipkin', flushesOnExit: true, nodeArgs: ['--require', polytraceRegister],
    env: (port) => ({ OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: `http://127.0.0.1:${port}/api/v2/spans` }),
  },
  'polytrace-jaeger': {
    name: 'polytrace-jaeger', sink: 'jaeger', flushesOnExit: true, nodeArgs: ['--require', polytraceRegister],
    env: (port) => ({ OTEL_TRACES_EXPORTER: 'jaeger', OTEL_EXPORTER_JAEGER_AGENT_HOST: '127.0.0.1', OTEL_EXPORTER_JAEGER_AGENT_PORT: String(port) }),
  },
  'dd-trace': {
    name: 'dd-trace', sink: 'datadog', nodeArgs: ['--require', 'dd-trace/init'],
    env: (port) => ({ ...quietDd, DD_TRACE_AGENT_URL: `http://127.0.0.1:${port}` }),
  },
  'otel-sdk-zipkin': {
    name: 'otel-sdk-zipkin', sink: 'zipkin', flushesOnExit: true, nodeArgs: ['--require', path.join(__dirname, '..', 'http', 'preload-otel.js')],
    env: (port) => ({ OTEL_EXPORTER_ZIPKIN_ENDPOINT: `http://127.0.0.1:${port}/api/v2/spans` }),
  },
  // zipkin-js instruments by middleware, not by patching: the server script mounts bench/http/zipkin-js.js.
  'zipkin-js': {
    name: 'zipkin-js', sink: 'zipkin', flushesOnExit: true, nodeArgs: [],
    env: (port) => ({ BENCH_SERVER_HOOK: path.join(__dirname, '..', 'http', 'zipkin-js.js'), ZIPKIN_URL: `http://127.0.0.1:${port}/api/v2/spans` }),
  },
};

export const SERVERS: Record<string, string> = {
  'node:http': path.join(__dirname, '..', 'http', 'servers', 'node-hello.js'),
  express: path.join(__dirname, '..', 'http', 'servers', 'express-hello.js'),
};
