/** A stand-in Zipkin server for the demo: accepts JSON v2 spans (optionally gzipped) on /api/v2/spans. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';
import type { CaptureBackend } from './datadog-agent';
import type { SpanView } from './span-view';

interface ZipkinSpan {
  traceId?: unknown;
  id?: unknown;
  parentId?: unknown;
  name?: unknown;
  kind?: unknown;
  timestamp?: unknown;
  duration?: unknown;
  localEndpoint?: { serviceName?: unknown };
  tags?: Record<string, unknown>;
}

const MAX_BODY = 16 * 1024 * 1024;

function toView(span: ZipkinSpan): SpanView {
  return {
    backend: 'zipkin',
    service: String(span.localEndpoint?.serviceName ?? ''),
    name: String(span.name ?? ''),
    resource: String(span.name ?? ''),
    traceId: String(span.traceId ?? '').padStart(32, '0'),
    spanId: String(span.id ?? ''),
    parentId: typeof span.parentId === 'string' ? span.parentId : undefined,
    kind: typeof span.kind === 'string' ? span.kind.toLowerCase() : undefined,
    startMicros: Number(span.timestamp ?? 0),
    durationMicros: Number(span.duration ?? 0),
    error: span.tags !== undefined && 'error' in span.tags,
  };
}

export async function startZipkinCollector(): Promise<CaptureBackend> {
  const received: ZipkinSpan[] = [];
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/api/v2/spans') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body, { maxOutputLength: MAX_BODY });
        const spans: unknown = JSON.parse(body.toString('utf8'));
        if (!Array.isArray(spans)) throw new Error('not a list');
        received.push(...(spans as ZipkinSpan[]));
        res.writeHead(202).end();
      } catch {
        res.writeHead(400).end('expected a JSON v2 span list');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2/spans`,
    spans: () => received.map(toView),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
