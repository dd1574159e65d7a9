/**
 * Starts the chain storefront (dd-trace) → pricing (Polytrace) → inventory (zipkin-js) → warehouse
 * (Polytrace), each as its own process reporting to its usual backend, and stops it so all flush.
 */
import * as path from 'node:path';
import { launchService, serviceScript, stopAll, type ServiceProcess } from '@polytrace/example-support';

export interface PolyglotOptions {
  /** Datadog agent for storefront and pricing, in `DD_TRACE_AGENT_URL` form. */
  datadogAgentUrl: string;
  /** Zipkin v2 spans endpoint for pricing, inventory and warehouse. */
  zipkinEndpoint: string;
  /** Base environment of every service; defaults to this process's env. */
  env?: NodeJS.ProcessEnv;
  /** 0 picks free ports. */
  ports?: { storefront?: number; pricing?: number; inventory?: number; warehouse?: number };
  output?: (line: string) => void;
}

export interface RunningPolyglot {
  /** `http://127.0.0.1:<port>` of the storefront; GET /checkout walks the whole chain. */
  readonly storefrontUrl: string;
  stop(): Promise<void>;
}

const SERVICES_DIR = path.join(__dirname, 'services');

export async function startPolyglot(options: PolyglotOptions): Promise<RunningPolyglot> {
  const output = options.output ?? ((line: string) => process.stdout.write(`${line}\n`));
  const base = options.env ?? process.env;
  const ports = options.ports ?? {};
  const started: ServiceProcess[] = [];
  const launch = async (name: string, env: NodeJS.ProcessEnv): Promise<string> => {
    const service = await launchService(name, serviceScript(SERVICES_DIR, name), { env: { ...base, ...env }, output });
    started.push(service);
    return `http://127.0.0.1:${service.port}`;
  };

  try {
    // Started from the end of the chain, so each service is given the address of the next one.
    const warehouse = await launch('warehouse', {
      PORT: String(ports.warehouse ?? 0),
      OTEL_TRACES_EXPORTER: 'zipkin',
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: options.zipkinEndpoint,
    });
    const inventory = await launch('inventory', {
      PORT: String(ports.inventory ?? 0),
      ZIPKIN_ENDPOINT: options.zipkinEndpoint,
      WAREHOUSE_URL: warehouse,
      // zipkin-instrumentation-express predates express 5, whose router prints a deprecation notice for it.
      NO_DEPRECATION: 'router',
    });
    const pricing = await launch('pricing', {
      PORT: String(ports.pricing ?? 0),
      // Reports to both backends: the Datadog half of the trace and the Zipkin half both include it.
      OTEL_TRACES_EXPORTER: 'datadog,zipkin',
      DD_TRACE_AGENT_URL: options.datadogAgentUrl,
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: options.zipkinEndpoint,
      DD_TRACE_PROPAGATION_STYLE_EXTRACT: 'datadog',
      DD_TRACE_PROPAGATION_STYLE_INJECT: 'b3multi',
      INVENTORY_URL: inventory,
    });
    const storefront = await launch('storefront', {
      PORT: String(ports.storefront ?? 0),
      DD_SERVICE: 'storefront',
      DD_TRACE_AGENT_URL: options.datadogAgentUrl,
      // Only Datadog headers leave the storefront, so pricing really continues from them.
      DD_TRACE_PROPAGATION_STYLE_INJECT: 'datadog',
      DD_TRACE_STARTUP_LOGS: 'false',
      DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
      DD_REMOTE_CONFIGURATION_ENABLED: 'false',
      PRICING_URL: pricing,
    });
    return { storefrontUrl: storefront, stop: () => stopAll(started) };
  } catch (error) {
    await stopAll(started);
    throw error;
  }
}
