/**
 * `npm start`: starts a capture Datadog agent and a capture Zipkin server, runs the four services
 * against them, sends one checkout through the chain, and prints what each backend received: the same
 * trace id in both, and parents that line up across the hops.
 * Set POLYGLOT_DATADOG_AGENT_URL / POLYGLOT_ZIPKIN_ENDPOINT to report to a real agent and Zipkin instead.
 */
import { envPort, getJson, runMain } from '@polytrace/example-support';
import type { CaptureBackend } from './backends/capture-server';
import { startDatadogAgent } from './backends/datadog-agent';
import { renderBackend } from './backends/report';
import { startZipkinCollector } from './backends/zipkin-collector';
import { startPolyglot } from './polyglot';

async function main(): Promise<void> {
  const captures: CaptureBackend[] = [];
  const datadog = process.env.POLYGLOT_DATADOG_AGENT_URL ? undefined : await startDatadogAgent();
  const zipkin = process.env.POLYGLOT_ZIPKIN_ENDPOINT ? undefined : await startZipkinCollector();
  for (const capture of [datadog, zipkin]) if (capture) captures.push(capture);
  try {
    const chain = await startPolyglot({
      datadogAgentUrl: process.env.POLYGLOT_DATADOG_AGENT_URL || datadog!.url,
      zipkinEndpoint: process.env.POLYGLOT_ZIPKIN_ENDPOINT || zipkin!.url,
      ports: {
        storefront: envPort('POLYGLOT_STOREFRONT_PORT', 3021),
        pricing: envPort('POLYGLOT_PRICING_PORT', 3022),
        inventory: envPort('POLYGLOT_INVENTORY_PORT', 3023),
        warehouse: envPort('POLYGLOT_WAREHOUSE_PORT', 3024),
      },
    });
    try {
      const response = await getJson(`${chain.storefrontUrl}/checkout`);
      const body = response.body as { traceId?: string };
      console.log(`GET /checkout: HTTP ${response.status}, dd-trace started trace ${body.traceId ?? '-'}`);
    } finally {
      await chain.stop(); // every service flushes to its backend on the way out
    }
    if (datadog) console.log(renderBackend('Datadog agent', datadog.spans()).join('\n'));
    if (zipkin) console.log(renderBackend('Zipkin', zipkin.spans()).join('\n'));
  } finally {
    for (const capture of captures) await capture.close();
  }
}

runMain(main);
