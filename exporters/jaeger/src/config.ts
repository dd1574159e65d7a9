import type { RetryOptions } from '@polytrace/exporter-base';
import type { ThriftProtocol } from './thrift/writers';

export interface JaegerExporterConfig {
  /**
   * Collector URL (`POST …/api/traces`, binary Thrift). When set (or `OTEL_EXPORTER_JAEGER_ENDPOINT` is), spans go
   * over HTTP; otherwise over UDP to the agent. Env: `OTEL_EXPORTER_JAEGER_ENDPOINT`.
   */
  endpoint?: string;
  /** Basic auth for the collector. Env: `OTEL_EXPORTER_JAEGER_USER` / `OTEL_EXPORTER_JAEGER_PASSWORD`. */
  username?: string;
  password?: string;
  /** `Authorization: Bearer …` for the collector (e.g. behind an auth proxy); wins over basic auth. */
  bearerToken?: string;
  /** Extra HTTP headers for the collector. */
  headers?: Readonly<Record<string, string>>;
  /** Agent host. Env: `OTEL_EXPORTER_JAEGER_AGENT_HOST`; default `localhost`. */
  host?: string;
  /** Agent port. Env: `OTEL_EXPORTER_JAEGER_AGENT_PORT`; default 6831 (compact) or 6832 (binary). */
  port?: number;
  /**
   * Thrift protocol to the agent: `compact` (port 6831, every non-Node client) or `binary` (6832, what
   * jaeger-client-node used). Env: `OTEL_EXPORTER_JAEGER_PROTOCOL` = `udp/thrift.compact` | `udp/thrift.binary` |
   * `http/thrift.binary`. Default `compact`.
   */
  agentProtocol?: ThriftProtocol;
  /** Max UDP datagram size; default 65,000 (jaeger-agent's read buffer). Lower it on macOS (9,216). */
  maxPacketSize?: number;
  /** Max HTTP body size; larger exports are split into several POSTs. Default 4 MiB (collectors cap at 20 MiB). */
  maxBodyBytes?: number;
  /** Extra Process tags (string values), besides the resource attributes. */
  processTags?: Readonly<Record<string, string>>;
  /**
   * A span too large for one datagram/body on its own: `drop` it (default; counted as `dropped.tooLarge`) or
   * `truncate` it (send it without logs, then without attribute tags, marked `polytrace.truncated`).
   */
  oversizedSpans?: 'drop' | 'truncate';
  /** Also send the deprecated `otel.library.*` scope aliases (default true). */
  legacyLibraryTags?: boolean;
  /** Per-request (HTTP) / per-datagram time-out. Env: `OTEL_EXPORTER_JAEGER_TIMEOUT` (ms); default 10,000. */
  timeoutMillis?: number;
  retry?: RetryOptions;
  shutdownTimeoutMillis?: number;
  /** Read from this instead of `process.env` (tests). */
  env?: Readonly<Record<string, string | undefined>>;
}

export const DEFAULT_COMPACT_PORT = 6831;
export const DEFAULT_BINARY_PORT = 6832;
export const DEFAULT_MAX_PACKET_SIZE = 65_000;
/** Largest IPv4 UDP payload. */
export const MAX_UDP_PAYLOAD = 65_507;

export type ResolvedTarget =
  | { kind: 'udp'; host: string; port: number; protocol: ThriftProtocol; maxPacketSize: number }
  | { kind: 'http'; url: string; headers: Record<string, string>; maxBodyBytes: number };

export interface ResolvedJaegerConfig {
  target: ResolvedTarget;
  timeoutMillis: number;
  warnings: string[];
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

function positiveInt(v: string | undefined): number | undefined {
  const t = nonEmpty(v);
  if (t === undefined || !/^\d+$/.test(t)) return undefined;
  const n = Number(t);
  return n > 0 ? n : undefined;
}

/** Config wins over env; env wins over defaults. Invalid env values are ignored with a warning. */
export function resolveJaegerConfig(config: JaegerExporterConfig = {}): ResolvedJaegerConfig {
  const env = config.env ?? process.env;
  const warnings: string[] = [];
  const envProtocol = nonEmpty(env.OTEL_EXPORTER_JAEGER_PROTOCOL);
  if (envProtocol && !['udp/thrift.compact', 'udp/thrift.binary', 'http/thrift.binary'].includes(envProtocol)) {
    warnings.push(`OTEL_EXPORTER_JAEGER_PROTOCOL=${envProtocol} is not supported (grpc: use OTLP); ignored`);
  }
  const timeoutEnv = env.OTEL_EXPORTER_JAEGER_TIMEOUT;
  const timeoutMillis = config.timeoutMillis ?? positiveInt(timeoutEnv) ?? 10_000;
  if (nonEmpty(timeoutEnv) && positiveInt(timeoutEnv) === undefined) {
    warnings.push(`OTEL_EXPORTER_JAEGER_TIMEOUT=${timeoutEnv} is not a positive integer; ignored`);
  }

  const endpoint = config.endpoint ?? nonEmpty(env.OTEL_EXPORTER_JAEGER_ENDPOINT);
  const useHttp = endpoint !== undefined || (config.agentProtocol === undefined && envProtocol === 'http/thrift.binary');
  if (useHttp) {
    const url = endpoint ?? 'http://localhost:14268/api/traces';
    const headers: Record<string, string> = { 'Content-Type': 'application/x-thrift', ...(config.headers ?? {}) };
    const user = config.username ?? nonEmpty(env.OTEL_EXPORTER_JAEGER_USER);
    const password = config.password ?? env.OTEL_EXPORTER_JAEGER_PASSWORD ?? '';
    if (config.bearerToken) headers.Authorization = `Bearer ${config.bearerToken}`;
    else if (user !== undefined) headers.Authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const maxBodyBytes = config.maxBodyBytes ?? 4 * 1024 * 1024;
    return { target: { kind: 'http', url, headers, maxBodyBytes }, timeoutMillis, warnings };
  }

  const protocol: ThriftProtocol = config.agentProtocol ?? (envProtocol === 'udp/thrift.binary' ? 'binary' : 'compact');
  const host = config.host ?? nonEmpty(env.OTEL_EXPORTER_JAEGER_AGENT_HOST) ?? 'localhost';
  const portEnv = env.OTEL_EXPORTER_JAEGER_AGENT_PORT;
  const envPort = positiveInt(portEnv);
  if (nonEmpty(portEnv) && (envPort === undefined || envPort > 65535)) {
    warnings.push(`OTEL_EXPORTER_JAEGER_AGENT_PORT=${portEnv} is not a port; ignored`);
  }
  let configPort = config.port;
  if (configPort !== undefined && !(Number.isInteger(configPort) && configPort > 0 && configPort <= 65535)) {
    warnings.push(`port ${configPort} is not a port; ignored`);
    configPort = undefined;
  }
  const port = configPort ?? (envPort !== undefined && envPort <= 65535 ? envPort : undefined) ?? (protocol === 'compact' ? DEFAULT_COMPACT_PORT : DEFAULT_BINARY_PORT);
  // The classic misconfiguration: binary bytes on 6831 or compact on 6832 fail with BAD_VERSION in the agent.
  if ((protocol === 'compact' && port === DEFAULT_BINARY_PORT) || (protocol === 'binary' && port === DEFAULT_COMPACT_PORT)) {
    warnings.push(`sending Thrift ${protocol} to port ${port}, which jaeger-agent reserves for the other protocol`);
  }
  let maxPacketSize = Math.floor(config.maxPacketSize ?? DEFAULT_MAX_PACKET_SIZE);
  if (!(maxPacketSize > 0) || maxPacketSize > MAX_UDP_PAYLOAD) {
    warnings.push(`maxPacketSize ${config.maxPacketSize} is outside 1..${MAX_UDP_PAYLOAD}; using ${DEFAULT_MAX_PACKET_SIZE}`);
    maxPacketSize = DEFAULT_MAX_PACKET_SIZE;
  }
  return { target: { kind: 'udp', host, port, protocol, maxPacketSize }, timeoutMillis, warnings };
}
