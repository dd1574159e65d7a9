/**
 * A stand-in Datadog agent for the demo: accepts `/v0.4/traces` (msgpack) from dd-trace and from
 * Polytrace's Datadog exporter and keeps the spans. `/info` advertises only v0.4 so both speak it.
 */
import * as http from 'node:http';
import { decode } from '@msgpack/msgpack';
import { listenOnLoopback, onBoundedBody, type CaptureBackend } from './capture-server';
import { hex16, type SpanView } from './span-view';

interface WireSpan {
  service?: unknown;
  name?: unknown;
  resource?: unknown;
  trace_id?: unknown;
  span_id?: unknown;
  parent_id?: unknown;
  start?: unknown;
  duration?: unknown;
  error?: unknown;
  meta?: Record<string, unknown>;
}


function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return BigInt.asUintN(64, value);
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return 0n;
}

/** The 128-bit trace id's high half travels once per chunk, on one span (`_dd.p.tid`). */
function chunkHighBits(chunk: WireSpan[]): string {
  for (const span of chunk) {
    const tid = span.meta?.['_dd.p.tid'];
    if (typeof tid === 'string') return tid;
  }
  return '';
}

function toView(span: WireSpan, high: string): SpanView {
  const meta = span.meta ?? {};
  const parent = toBigInt(span.parent_id);
  return {
    backend: 'datadog',
    service: String(span.service ?? ''),
    name: String(span.name ?? ''),
    resource: String(span.resource ?? ''),
    traceId: `${high.padStart(16, '0')}${hex16(toBigInt(span.trace_id))}`,
    spanId: hex16(toBigInt(span.span_id)),
    parentId: parent === 0n ? undefined : hex16(parent),
    kind: typeof meta['span.kind'] === 'string' ? meta['span.kind'] : undefined,
    startMicros: Number(toBigInt(span.start) / 1000n),
    durationMicros: Number(toBigInt(span.duration) / 1000n),
    error: Number(span.error) === 1,
  };
}

export async function startDatadogAgent(): Promise<CaptureBackend> {
  const received: WireSpan[][] = [];
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/info') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ version: 'polyglot-demo', endpoints: ['/v0.4/traces'] }));
      return;
    }
    if ((req.method !== 'PUT' && req.method !== 'POST') || req.url !== '/v0.4/traces') {
      res.writeHead(404).end();
      return;
    }
    onBoundedBody(req, (body) => {
      try {
        const traces = decode(body, { useBigInt64: true });
        if (Array.isArray(traces)) for (const trace of traces) if (Array.isArray(trace)) received.push(trace as WireSpan[]);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"rate_by_service":{}}');
      } catch {
        res.writeHead(400).end('undecodable msgpack');
      }
    });
  });
  const { port, close } = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    spans: () => received.flatMap((chunk) => chunk.map((span) => toView(span, chunkHighBits(chunk)))),
    close,
  };
}
