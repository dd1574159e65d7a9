#!/usr/bin/env node
import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { startZipkinBridgeServer } from './bridge-server';
import { createExportersFromEnv, parseExporterNames } from './exporters-from-env';

const USAGE = `Usage: polytrace-zipkin-bridge [--port 9411] [--host 0.0.0.0] [--max-body-bytes 10485760] [--strict]

Receives Zipkin spans (POST /api/v2/spans JSON or proto3, /api/v1/spans JSON or Thrift; gzip) and exports them to the
exporters named in OTEL_TRACES_EXPORTER (datadog, zipkin, jaeger, otlp, console; default otlp), each configured
by its own environment variables (DD_TRACE_AGENT_URL, OTEL_EXPORTER_JAEGER_*, OTEL_EXPORTER_OTLP_*...).
Unconverted spans get service.name from POLYTRACE_ZIPKIN_BRIDGE_DEFAULT_SERVICE (default unknown_service:zipkin).`;

interface CliArgs {
  port: number;
  host: string;
  maxBodyBytes?: number;
  strict: boolean;
}

function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = { port: Number(process.env.POLYTRACE_ZIPKIN_BRIDGE_PORT ?? 9411), host: '0.0.0.0', strict: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--port' || flag === '-p') args.port = Number(value());
    else if (flag === '--host') args.host = value();
    else if (flag === '--max-body-bytes') args.maxBodyBytes = Number(value());
    else if (flag === '--strict') args.strict = true;
    else if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${argv[i]}`);
  }
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new Error(`invalid port ${args.port}`);
  if (args.maxBodyBytes !== undefined && !(args.maxBodyBytes > 0)) throw new Error(`invalid --max-body-bytes ${args.maxBodyBytes}`);
  return args;
}

async function main(): Promise<void> {
  diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
  const args = parseArgs(process.argv.slice(2));
  const names = parseExporterNames(process.env.OTEL_TRACES_EXPORTER);
  const exporters = createExportersFromEnv();
  if (exporters.length === 0) throw new Error('OTEL_TRACES_EXPORTER=none: nothing to bridge to');
  const running = await startZipkinBridgeServer({
    exporters,
    port: args.port,
    host: args.host,
    maxBodyBytes: args.maxBodyBytes,
    strict: args.strict,
    defaultServiceName: process.env.POLYTRACE_ZIPKIN_BRIDGE_DEFAULT_SERVICE,
  });
  // Tests and supervisors read this line to learn the port (useful with --port 0).
  console.log(`polytrace-zipkin-bridge listening on ${args.host}:${running.port}, exporting to ${names.join(', ')}`);
  const stop = (): void => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`polytrace-zipkin-bridge: ${error instanceof Error ? error.message : String(error)}`);
  console.error(USAGE);
  process.exit(2);
});
