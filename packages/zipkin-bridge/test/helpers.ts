import * as assert from 'node:assert';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createZipkinBridge, type ZipkinBridge, type ZipkinBridgeOptions } from '@polytrace/zipkin-bridge';

export interface RunningBridge {
  url: string;
  bridge: ZipkinBridge;
  memory: InMemorySpanExporter;
  /** POST a body, return status, text and headers */
  post(path: string, body: string | Buffer, headers?: Record<string, string>): Promise<{ status: number; text: string; headers: Headers }>;
  /** POST a v2 JSON list and return the spans the exporter received for it */
  spansFor(spans: unknown[]): Promise<ReadableSpan[]>;
  close(): Promise<void>;
}

export async function startBridge(options: Partial<ZipkinBridgeOptions> = {}): Promise<RunningBridge> {
  const memory = new InMemorySpanExporter();
  const bridge = createZipkinBridge({ exporter: memory, ...options });
  const server = http.createServer(bridge);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post: RunningBridge['post'] = async (path, body, headers = { 'content-type': 'application/json' }) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', body, headers });
    return { status: res.status, text: await res.text(), headers: res.headers };
  };
  return {
    url,
    bridge,
    memory,
    post,
    spansFor: async (spans) => {
      memory.reset();
      const res = await post('/api/v2/spans', JSON.stringify(spans));
      if (res.status !== 202) throw new Error(`bridge answered ${res.status}: ${res.text}`);
      await bridge.forceFlush();
      return memory.getFinishedSpans();
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await bridge.shutdown();
    },
  };
}

/** POSTs a v2 JSON list (the spans, or its text) and asserts that the bridge accepted it (202). */
export async function postAccepted(b: RunningBridge, spans: unknown[] | string): Promise<void> {
  const res = await b.post('/api/v2/spans', typeof spans === 'string' ? spans : JSON.stringify(spans));
  assert.strictEqual(res.status, 202, res.text);
}

/** Waits (polling) until `condition` holds; fails after `limitMillis`. For spans released by a timer. */
export async function until(condition: () => boolean, limitMillis = 10_000): Promise<void> {
  const deadline = Date.now() + limitMillis;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
