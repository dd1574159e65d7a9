/** A small JSON-over-HTTP client on node:http, so the http instrumentation traces and propagates it. */
import * as http from 'node:http';

export interface JsonResponse {
  status: number;
  body: unknown;
}

export function postJson(url: string, body: unknown, timeoutMs = 10_000): Promise<JsonResponse> {
  return requestJson('POST', url, Buffer.from(JSON.stringify(body ?? {})), timeoutMs);
}

export function getJson(url: string, timeoutMs = 10_000): Promise<JsonResponse> {
  return requestJson('GET', url, undefined, timeoutMs);
}

function requestJson(method: string, url: string, payload: Buffer | undefined, timeoutMs: number): Promise<JsonResponse> {
  const headers: http.OutgoingHttpHeaders = { accept: 'application/json' };
  if (payload) Object.assign(headers, { 'content-type': 'application/json', 'content-length': payload.length });
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, timeout: timeoutMs });
    req.once('timeout', () => req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)));
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', reject);
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: parseJson(Buffer.concat(chunks)) }));
    });
    req.end(payload);
  });
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return raw.toString('utf8');
  }
}
