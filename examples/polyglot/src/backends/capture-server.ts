/** What the demo's stand-in backends (Datadog agent, Zipkin collector) share: bounded bodies and a loopback listener. */
import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SpanView } from './span-view';

export interface CaptureBackend {
  readonly url: string;
  spans(): SpanView[];
  close(): Promise<void>;
}

/** Largest request body (and gunzipped body) a stand-in backend accepts. */
export const MAX_BODY = 16 * 1024 * 1024;

/**
 * Calls `onBody` with the whole request body; a body over MAX_BODY destroys the request instead, so a runaway
 * client cannot grow the demo's memory.
 */
export function onBoundedBody(req: http.IncomingMessage, onBody: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY) req.destroy();
    else chunks.push(chunk);
  });
  req.on('end', () => onBody(Buffer.concat(chunks)));
}

/** Listens on 127.0.0.1 on a free port; `close` also ends keep-alive connections. */
export async function listenOnLoopback(server: http.Server): Promise<{ port: number; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
