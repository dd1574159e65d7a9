import {
  parseBoolean,
  parseDatadogTags,
  parseInteger,
  parseKeyValueList,
  parseNameList,
  parseRatio,
  parseUrl,
  type Parsed,
} from './parsers';

export type Env = Readonly<Record<string, string | undefined>>;

export const SAMPLER_NAMES = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

export interface SamplerConfig {
  name: SamplerName;
  /** For the ratio samplers; 1 when not given. */
  ratio: number;
}

export interface BatchConfig {
  maxQueueSize?: number;
  maxExportBatchSize?: number;
  scheduledDelayMillis?: number;
  exportTimeoutMillis?: number;
}

/** What the environment says, before explicit options are applied. */
export interface EnvConfig {
  /** OTEL_SDK_DISABLED=true or DD_TRACE_ENABLED=false. */
  disabled: boolean;
  serviceName?: string;
  version?: string;
  environment?: string;
  /** From DD_TAGS, then OTEL_RESOURCE_ATTRIBUTES over it. */
  resourceAttributes: Record<string, string>;
  /** Exporter names; `undefined` when OTEL_TRACES_EXPORTER is unset (or had nothing valid). */
  exporters?: string[];
  sampler?: SamplerConfig;
  /** DD_TRACE_SAMPLE_RATE, used when no OTel sampler and no exporter-provided sampler is configured. */
  datadogSampleRate?: number;
  batch: BatchConfig;
  /** A DD agent variable is set: makes `datadog` the default exporter. */
  datadogAgentConfigured: boolean;
  /** OTEL_NODE_ENABLED_INSTRUMENTATIONS / OTEL_NODE_DISABLED_INSTRUMENTATIONS. */
  enabledInstrumentations?: string[];
  disabledInstrumentations?: string[];
}

export interface EnvReadOptions {
  /** Exporter names that may appear in OTEL_TRACES_EXPORTER (built-ins and registered ones). */
  exporterNames: readonly string[];
  /** Instrumentation names for the OTEL_NODE_*_INSTRUMENTATIONS lists. */
  instrumentationNames: readonly string[];
}

const SERVICE_NAME = 'service.name';
const SERVICE_VERSION = 'service.version';
const ENVIRONMENT_KEYS = ['deployment.environment.name', 'deployment.environment'] as const;

/**
 * Pure: environment in, configuration and warnings out. Precedence inside the environment is
 * OTEL_* over DD_*; explicit options are applied over this by the caller. A bad value produces one
 * warning naming the variable and the accepted values, and is ignored as if unset.
 */
export function readEnvConfig(env: Env, options: EnvReadOptions): { config: EnvConfig; warnings: string[] } {
  const warnings: string[] = [];
  const reader = new EnvReader(env, warnings);

  const otelDisabled = reader.read('OTEL_SDK_DISABLED', parseBoolean);
  const ddEnabled = reader.read('DD_TRACE_ENABLED', parseBoolean);

  const ddTags = reader.list('DD_TAGS', parseDatadogTags, 'comma-separated key:value pairs');
  const otelAttributes = reader.list('OTEL_RESOURCE_ATTRIBUTES', parseKeyValueList, 'comma-separated key=value pairs, values percent-encoded');
  const { service: ddTagService, env: ddTagEnv, version: ddTagVersion, ...ddTagAttributes } = ddTags;

  const config: EnvConfig = {
    disabled: otelDisabled === true || ddEnabled === false,
    serviceName: firstOf(reader.text('OTEL_SERVICE_NAME'), otelAttributes[SERVICE_NAME], reader.text('DD_SERVICE'), ddTagService),
    version: firstOf(otelAttributes[SERVICE_VERSION], reader.text('DD_VERSION'), ddTagVersion),
    environment: firstOf(...ENVIRONMENT_KEYS.map((k) => otelAttributes[k]), reader.text('DD_ENV'), ddTagEnv),
    resourceAttributes: { ...ddTagAttributes, ...otelAttributes },
    exporters: readExporters(reader, options.exporterNames),
    sampler: readSampler(reader),
    datadogSampleRate: reader.read('DD_TRACE_SAMPLE_RATE', parseRatio),
    batch: readBatch(reader),
    datadogAgentConfigured: readDatadogAgent(reader),
    enabledInstrumentations: reader.names('OTEL_NODE_ENABLED_INSTRUMENTATIONS', options.instrumentationNames),
    disabledInstrumentations: reader.names('OTEL_NODE_DISABLED_INSTRUMENTATIONS', options.instrumentationNames),
  };
  readOtlp(reader);
  return { config, warnings };
}

/** Reads variables, turning every problem into one warning per variable. */
class EnvReader {
  constructor(
    private readonly env: Env,
    readonly warnings: string[],
  ) {}

  /** The trimmed value, or undefined when unset or blank. */
  text(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  read<T>(name: string, parse: (raw: string) => Parsed<T>, fallback = 'the default'): T | undefined {
    const raw = this.text(name);
    if (raw === undefined) return undefined;
    const parsed = parse(raw);
    if (parsed.ok) return parsed.value;
    this.warn(name, raw, parsed.reason, fallback);
    return undefined;
  }

  list(
    name: string,
    parse: (raw: string) => { values: Record<string, string>; invalid: string[] },
    accepted: string,
  ): Record<string, string> {
    const raw = this.text(name);
    if (raw === undefined) return {};
    const { values, invalid } = parse(raw);
    if (invalid.length > 0) {
      this.warnings.push(`${name}: ignoring malformed entr${invalid.length === 1 ? 'y' : 'ies'} ${invalid.map((e) => JSON.stringify(e)).join(', ')}; accepted: ${accepted}.`);
    }
    return values;
  }

  /** A comma list of names from a closed set; unknown names are dropped with one warning. */
  names(name: string, known: readonly string[]): string[] | undefined {
    const raw = this.text(name);
    if (raw === undefined) return undefined;
    const names = parseNameList(raw);
    const unknown = names.filter((n) => !known.includes(n));
    if (unknown.length > 0) {
      this.warnings.push(`${name}: ignoring unknown ${unknown.map((n) => `'${n}'`).join(', ')}; accepted: ${known.join(', ')}.`);
    }
    return names.filter((n) => known.includes(n));
  }

  warn(name: string, raw: string, reason: string, fallback: string): void {
    this.warnings.push(`${name}=${JSON.stringify(raw)} is invalid: ${reason}. Using ${fallback}.`);
  }
}

function firstOf(...values: Array<string | undefined>): string | undefined {
  return values.find((v) => v !== undefined && v !== '');
}

function readExporters(reader: EnvReader, known: readonly string[]): string[] | undefined {
  const raw = reader.text('OTEL_TRACES_EXPORTER');
  if (raw === undefined) return undefined;
  const accepted = [...known, 'none'];
  const names = parseNameList(raw);
  const valid = [...new Set(names.filter((n) => accepted.includes(n)))];
  const unknown = names.filter((n) => !accepted.includes(n));
  if (unknown.length > 0) {
    const outcome = valid.length === 0 ? 'no usable exporter left, using the default' : `using ${valid.join(', ')}`;
    reader.warnings.push(
      `OTEL_TRACES_EXPORTER: ignoring unknown ${unknown.map((n) => `'${n}'`).join(', ')} (${outcome}); accepted: ${accepted.join(', ')}.`,
    );
  }
  if (valid.includes('none')) return [];
  return valid.length === 0 ? undefined : valid;
}

function readSampler(reader: EnvReader): SamplerConfig | undefined {
  const name = reader.read('OTEL_TRACES_SAMPLER', (raw): Parsed<SamplerName> => {
    const value = raw.toLowerCase();
    return (SAMPLER_NAMES as readonly string[]).includes(value)
      ? { ok: true, value: value as SamplerName }
      : { ok: false, reason: `accepted: ${SAMPLER_NAMES.join(', ')}` };
  }, 'parentbased_always_on');
  if (name === undefined) return undefined;
  // The argument is only read for the ratio samplers, as the OTel spec says.
  const ratio = name.endsWith('traceidratio') ? reader.read('OTEL_TRACES_SAMPLER_ARG', parseRatio, '1.0') : undefined;
  return { name, ratio: ratio ?? 1 };
}

function readBatch(reader: EnvReader): BatchConfig {
  const batch: BatchConfig = {
    maxQueueSize: reader.read('OTEL_BSP_MAX_QUEUE_SIZE', (r) => parseInteger(r, 1), '2048'),
    maxExportBatchSize: reader.read('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', (r) => parseInteger(r, 1), '512'),
    scheduledDelayMillis: reader.read('OTEL_BSP_SCHEDULE_DELAY', (r) => parseInteger(r, 0), '5000'),
    exportTimeoutMillis: reader.read('OTEL_BSP_EXPORT_TIMEOUT', (r) => parseInteger(r, 1), '30000'),
  };
  const queue = batch.maxQueueSize ?? 2048;
  if (batch.maxExportBatchSize !== undefined && batch.maxExportBatchSize > queue) {
    reader.warnings.push(
      `OTEL_BSP_MAX_EXPORT_BATCH_SIZE=${batch.maxExportBatchSize} is larger than the queue (${queue}); using ${queue}.`,
    );
    batch.maxExportBatchSize = queue;
  }
  return batch;
}

/** Validated only: the Datadog exporter reads these itself; here they pick the default exporter. */
function readDatadogAgent(reader: EnvReader): boolean {
  const host = reader.read('DD_AGENT_HOST', (raw): Parsed<string> =>
    /^[A-Za-z0-9._:[\]-]+$/.test(raw) ? { ok: true, value: raw } : { ok: false, reason: 'expected a host name or IP address, without scheme or port' },
  );
  const port = reader.read('DD_TRACE_AGENT_PORT', (r) => parseInteger(r, 1, 65535), '8126');
  const url = reader.read('DD_TRACE_AGENT_URL', (r) => parseUrl(r, ['http:', 'https:', 'unix:']));
  return host !== undefined || port !== undefined || url !== undefined;
}

/** Validated only: the OTLP exporter reads these itself. */
function readOtlp(reader: EnvReader): void {
  for (const name of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) {
    reader.read(name, (r) => parseUrl(r, ['http:', 'https:']), 'http://localhost:4318');
  }
  for (const name of ['OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL']) {
    reader.read(name, (raw): Parsed<string> =>
      raw === 'http/json'
        ? { ok: true, value: raw }
        : { ok: false, reason: "accepted: http/json (the 'otlp' exporter is @opentelemetry/exporter-trace-otlp-http)" },
      'http/json',
    );
  }
  for (const name of ['OTEL_EXPORTER_OTLP_TIMEOUT', 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT']) {
    reader.read(name, (r) => parseInteger(r, 1), '10000');
  }
  for (const name of ['OTEL_EXPORTER_OTLP_COMPRESSION', 'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION']) {
    reader.read(name, (raw): Parsed<string> =>
      raw === 'gzip' || raw === 'none' ? { ok: true, value: raw } : { ok: false, reason: 'accepted: gzip, none' },
      'none',
    );
  }
  for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']) {
    reader.list(name, parseKeyValueList, 'comma-separated key=value pairs, values percent-encoded');
  }
}
