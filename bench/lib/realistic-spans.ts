// The realistic workload every encoder bench measures: 1,667 traces, each an HTTP server span with 5 SQL children,
// as OTel spans shaped like @opentelemetry/instrumentation-http + -pg output (stable semconv). One builder, so the
// Datadog, Zipkin and Jaeger numbers are about the same spans.
import { context, SpanKind, trace, type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

export const SHOP_TRACES = 1667;

/** The five queries of every trace, in order (the dd-trace side of bench/datadog.bench.ts uses them too). */
export const SHOP_SQL: readonly string[] = [
  'SELECT id, name, email FROM users WHERE id = $1',
  'SELECT * FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT 20',
  'SELECT count(*) FROM order_items WHERE order_id = ANY($1)',
  'UPDATE users SET last_seen = now() WHERE id = $1',
  'INSERT INTO audit_log (user_id, action, at) VALUES ($1, $2, now())',
];

/** Just the service identity. */
export const MINIMAL_RESOURCE: Attributes = { 'service.name': 'shop-api', 'deployment.environment.name': 'prod', 'service.version': '1.4.2' };

/** What NodeSDK's default detectors add on a Linux host: the resource an exporter really sees. */
export const NODE_SDK_RESOURCE: Attributes = {
  'service.name': 'shop-api',
  'service.version': '1.4.2',
  'deployment.environment.name': 'prod',
  'telemetry.sdk.language': 'nodejs',
  'telemetry.sdk.name': 'opentelemetry',
  'telemetry.sdk.version': '2.12.0',
  'host.name': 'shop-api-7d9f8b6c5-x2k4p',
  'host.arch': 'amd64',
  'os.type': 'linux',
  'process.pid': 4242,
  'process.runtime.name': 'nodejs',
  'process.runtime.version': '20.20.2',
};

/** 10,002 finished spans (1,667 × 6), children before their server span, as the SDK ends them. */
export function makeShopSpans(resource: Attributes): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(resource),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const http = provider.getTracer('@opentelemetry/instrumentation-http', '0.223.0');
  const pg = provider.getTracer('@opentelemetry/instrumentation-pg', '0.76.0');
  for (let t = 0; t < SHOP_TRACES; t++) {
    const userId = 1000 + (t % 500);
    const server = http.startSpan('GET /users/:id', {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET', 'url.scheme': 'http', 'server.address': 'shop.internal', 'server.port': 8080,
        'network.peer.address': '10.0.3.17', 'network.peer.port': 51234 + (t % 1000), 'network.protocol.version': '1.1',
        'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36', 'url.path': `/users/${userId}`,
        'client.address': '10.0.3.17', 'http.route': '/users/:id', 'http.response.status_code': 200,
      },
    });
    const ctx = trace.setSpan(context.active(), server);
    for (const sql of SHOP_SQL) {
      pg.startSpan(`pg.query:${sql.split(' ')[0]} shop`, {
        kind: SpanKind.CLIENT,
        attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'shop', 'server.address': 'db.internal', 'server.port': 5432, 'db.query.text': sql },
      }, ctx).end();
    }
    server.end();
  }
  return memory.getFinishedSpans();
}

/** Consecutive slices of `size` (the last one shorter), as a batching processor would hand them to an exporter. */
export function inBatches<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}
