import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { functionA, functionB } from './functions';

/** GET /hello runs functionA, then functionB (which calls functionC); anything else is a 404. */
export function createHelloServer(): http.Server {
  return http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/hello') {
      res.writeHead(404).end('not found\n');
      return;
    }
    void (async () => {
      await functionA();
      const b = await functionB();
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`hello (${b})\n`);
    })().catch((error: unknown) => {
      res.writeHead(500).end(`${String(error)}\n`);
    });
  });
}

export async function listen(server: http.Server, port = 0): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}
