/**
 * `DatadogExporter`: spans to a Datadog agent over HTTP or a Unix socket, through `@polytrace/exporter-base`'s
 * retrying core. Before the first payload it reads the agent's `/info` once (protocol support and
 * `max_request_bytes`); every trace response feeds `rate_by_service` to the sampler from `createSampler()`.
 */
import { diag } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, Sampler } from '@opentelemetry/sdk-trace-base';
import {
  emptyStats, HttpTransport, RetryingExporter, type EncodedPayload, type ExporterStats, type PolytraceExporter,
  type RetryOptions, type SamplerProvider, type SendOptions, type Transport, type TransportResponse,
} from '@polytrace/exporter-base';
import { agentHeaders } from './agent-headers';
import { parseAgentInfo, type AgentInfo } from './agent-info';
import { AgentRates } from './agent-rates';
import { resolveAgentUrl } from './agent-url';
import { DatadogEncoder, DEFAULT_MAX_PAYLOAD_BYTES, type DatadogProtocol } from './payload-encoder';
import { DatadogSampler, samplerConfigFromEnv, type DatadogSamplerConfig } from './sampler';

export interface DatadogExporterConfig {
  /** Agent address: `http://host:port` or `unix:///path`. Default: `DD_TRACE_AGENT_URL`, host/port, socket, localhost. */
  url?: string;
  /**
   * `DD_TRACE_AGENT_PROTOCOL_VERSION`. Default `auto`: v0.5 (a string table: ~90 instead of ~600 bytes per span, and
   * less CPU to encode and to write to the socket) when the agent's `/info` lists `/v0.5/traces`, else v0.4. `0.5`
   * also falls back to `0.4` when `/info` answers without it; `0.4` never asks.
   */
  protocol?: DatadogProtocol | 'auto';
  /** `DD_SERVICE` (falls back to `OTEL_SERVICE_NAME`): used when the resource has no real `service.name`. */
  service?: string;
  /** `DD_ENV`. */
  env?: string;
  /** `DD_VERSION`. */
  version?: string;
  /** `DD_TAGS` (`k:v,k2:v2`): added to every span. */
  tags?: Record<string, string>;
  /** Payload cap (default 8 MiB); the agent's `max_request_bytes` lowers it further. */
  maxPayloadBytes?: number;
  /** Per request (default 10 s). */
  requestTimeoutMillis?: number;
  /** Waiting for `/info` before the first export (default 2 s; then the defaults are used). */
  infoTimeoutMillis?: number;
  retry?: RetryOptions;
  maxBytesInFlight?: number;
  shutdownTimeoutMillis?: number;
  /** Sampler settings for `createSampler()`; default from `DD_TRACE_SAMPLE_RATE`/`DD_TRACE_SAMPLING_RULES`/`DD_TRACE_RATE_LIMIT`. */
  sampler?: DatadogSamplerConfig;
  /** Environment to read instead of `process.env` (tests, embedding). */
  processEnv?: Readonly<Record<string, string | undefined>>;
}

interface Resolved {
  url: string;
  protocol: DatadogProtocol | 'auto';
  service?: string;
  env?: string;
  version?: string;
  tags?: Record<string, string>;
  maxPayloadBytes: number;
}

/** `DD_TAGS`: `k:v,k2:v2` (space-separated accepted when there is no comma). */
export function parseDdTags(value: string | undefined): Record<string, string> | undefined {
  if (!value || value.trim() === '') return undefined;
  const tags: Record<string, string> = {};
  for (const item of value.split(value.includes(',') ? ',' : /\s+/)) {
    const t = item.trim();
    if (t === '') continue;
    const i = t.indexOf(':');
    if (i > 0) tags[t.slice(0, i).trim()] = t.slice(i + 1).trim();
  }
  return Object.keys(tags).length > 0 ? tags : undefined;
}

function resolveConfig(config: DatadogExporterConfig): Resolved {
  const env = config.processEnv ?? process.env;
  const asked = env.DD_TRACE_AGENT_PROTOCOL_VERSION?.trim();
  const protocol = config.protocol ?? (asked === '0.5' || asked === '0.4' ? asked : 'auto');
  return {
    url: config.url ?? resolveAgentUrl(env),
    protocol,
    service: config.service ?? (env.DD_SERVICE || env.OTEL_SERVICE_NAME || undefined),
    env: config.env ?? (env.DD_ENV || undefined),
    version: config.version ?? (env.DD_VERSION || undefined),
    tags: config.tags ?? parseDdTags(env.DD_TAGS),
    maxPayloadBytes: config.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
  };
}

/** Sends each payload to the trace endpoint chosen after `/info` (PUT, like dd-trace). */
class AgentTransport implements Transport {
  path = '/v0.4/traces';

  constructor(readonly http: HttpTransport) {}

  send(payload: EncodedPayload, options: SendOptions): Promise<TransportResponse> {
    return this.http.request({
      method: 'PUT', path: this.path, body: payload.body, headers: payload.headers, timeoutMillis: options.timeoutMillis,
    });
  }

  shutdown(): Promise<void> {
    return this.http.shutdown();
  }
}

export class DatadogExporter implements PolytraceExporter, SamplerProvider {
  /** The agent computes APM metrics from every trace, so it also gets the unsampled (priority ≤ 0) ones. */
  readonly wantsUnsampledSpans = true;
  readonly url: string;
  private readonly config: DatadogExporterConfig;
  private readonly resolved: Resolved;
  private readonly rates = new AgentRates();
  private readonly transport: AgentTransport;
  private core: RetryingExporter | undefined;
  private ready: Promise<RetryingExporter> | undefined;
  private info: AgentInfo | undefined;
  private learnedService: string | undefined;

  constructor(config: DatadogExporterConfig = {}) {
    this.config = config;
    this.resolved = resolveConfig(config);
    this.url = this.resolved.url;
    this.transport = new AgentTransport(new HttpTransport({ url: this.url, headers: agentHeaders() }));
  }

  /** What `/info` said (undefined until it was read). */
  get agentInfo(): AgentInfo | undefined {
    return this.info;
  }

  /** The protocol in use once `/info` was read. */
  get protocol(): DatadogProtocol {
    return this.transport.path === '/v0.5/traces' ? '0.5' : '0.4';
  }

  createSampler(): Sampler {
    const base = this.config.sampler ?? samplerConfigFromEnv(this.config.processEnv ?? process.env);
    return new DatadogSampler({
      ...base,
      env: base.env ?? this.resolved.env,
      service: base.service ?? (() => this.resolved.service ?? this.learnedService),
      rates: this.rates,
    });
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.learnedService === undefined && spans.length > 0) {
      const s = spans[0].resource?.attributes['service.name'];
      if (typeof s === 'string' && !s.startsWith('unknown_service')) this.learnedService = s;
    }
    // A failure to build the delivery core must reach the caller as a failed export, never an unhandled rejection.
    this.start().then(
      (core) => core.export(spans, resultCallback),
      (error: unknown) => resultCallback({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) }),
    );
  }

  async forceFlush(): Promise<void> {
    if (this.ready) await (await this.ready).forceFlush();
  }

  async shutdown(): Promise<void> {
    // Never exported: nothing to flush, and no reason to contact the agent just to say goodbye.
    if (this.ready === undefined) {
      this.ready = Promise.resolve(this.createCore());
    }
    await (await this.ready).shutdown();
  }

  getStats(): ExporterStats {
    return this.core?.getStats() ?? emptyStats();
  }

  private start(): Promise<RetryingExporter> {
    this.ready ??= this.discover().then(() => this.createCore());
    return this.ready;
  }

  private createCore(): RetryingExporter {
    const info = this.info ?? {};
    const listsV05 = info.endpoints?.includes('/v0.5/traces');
    // An explicit 0.5 is trusted when /info did not answer; `auto` needs the agent to say it takes v0.5.
    const useV05 = this.resolved.protocol === '0.5' ? listsV05 !== false : this.resolved.protocol === 'auto' && listsV05 === true;
    if (this.resolved.protocol === '0.5' && !useV05) diag.info('datadog exporter: agent has no /v0.5/traces, using v0.4');
    this.transport.path = useV05 ? '/v0.5/traces' : '/v0.4/traces';
    const maxPayloadBytes = Math.min(this.resolved.maxPayloadBytes, info.maxRequestBytes ?? Number.POSITIVE_INFINITY);
    const encoder = new DatadogEncoder({ ...this.resolved, protocol: useV05 ? '0.5' : '0.4', maxPayloadBytes });
    this.core = new RetryingExporter({
      name: 'datadog',
      encoder: (spans) => encoder.encode(spans),
      transport: this.transport,
      wantsUnsampledSpans: true,
      requestTimeoutMillis: this.config.requestTimeoutMillis,
      retry: this.config.retry,
      maxBytesInFlight: this.config.maxBytesInFlight,
      maxPayloadBytes,
      shutdownTimeoutMillis: this.config.shutdownTimeoutMillis,
      onResponse: (response) => this.rates.updateFromResponse(response.body.toString('utf8')),
    });
    return this.core;
  }

  /** Reads `/info` once; an unreachable or old agent leaves the defaults in place. */
  private async discover(): Promise<void> {
    try {
      const response = await this.transport.http.request({
        method: 'GET', path: '/info', timeoutMillis: this.config.infoTimeoutMillis ?? 2000,
      });
      if (response.statusCode === 200) this.info = parseAgentInfo(response.body.toString('utf8'));
      else this.info = {};
    } catch (error) {
      diag.debug('datadog exporter: /info unavailable, using defaults', error);
      this.info = {};
    }
  }
}
