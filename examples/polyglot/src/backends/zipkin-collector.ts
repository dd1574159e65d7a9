/** A stand-in Zipkin server for the demo: accepts JSON v2 spans (optionally gzipped) on /api/v2/spans. */
import * as http from 'node:http';
import * as zlib from 'node:zlib';
import { listenOnLoopback, MAX_BODY, onBoundedBody, type CaptureBackend } from './capture-server';
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
    onBoundedBody(req, (raw) => {
      try {
        const body = req.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(raw, { maxOutputLength: MAX_BODY }) : raw;
        const spans: unknown = JSON.parse(body.toString('utf8'));
        if (!Array.isArray(spans)) throw new Error('not a list');
        received.push(...(spans as ZipkinSpan[]));
        res.writeHead(202).end();
      } catch {
        res.writeHead(400).end('expected a JSON v2 span list');
      }
    });
  });
  const { port, close } = await listenOnLoopback(server);
  return { url: `http://127.0.0.1:${port}/api/v2/spans`, spans: () => received.map(toView), close };
}
