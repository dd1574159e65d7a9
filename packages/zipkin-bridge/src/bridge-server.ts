import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createZipkinBridge, type ZipkinBridge, type ZipkinBridgeOptions } from './zipkin-bridge';

export interface ZipkinBridgeServerOptions extends ZipkinBridgeOptions {
  /** default 9411, Zipkin's port; 0 picks a free one */
  port?: number;
  /** default `0.0.0.0` */
  host?: string;
}

export interface ZipkinBridgeServer {
  readonly bridge: ZipkinBridge;
  readonly server: http.Server;
  readonly port: number;
  /** stops accepting, flushes every accepted span, shuts the exporters down */
  close(): Promise<void>;
}

/** A standalone HTTP server around `createZipkinBridge`, as the CLI runs it. */
export async function startZipkinBridgeServer(options: ZipkinBridgeServerOptions): Promise<ZipkinBridgeServer> {
  const bridge = createZipkinBridge(options);
  const server = http.createServer(bridge);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 9411, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  return {
    bridge,
    server,
    port: (server.address() as AddressInfo).port,
    close: () => {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await bridge.shutdown();
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
