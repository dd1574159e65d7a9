import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate, type Gunzip, type Inflate } from 'node:zlib';

/** An HTTP answer for a body we will not decode. */
export class BodyError extends Error {
  constructor(readonly status: 400 | 413 | 415, message: string) {
    super(message);
  }
}

/**
 * Reads a request body, enforcing `maxBytes` on the raw *and* on the decompressed size while streaming, so a
 * gzip bomb is stopped after `maxBytes` of output instead of being inflated into memory. Supports
 * `Content-Encoding: gzip`, `deflate` and `identity`.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      req.resume();
      reject(new BodyError(413, `Request body of ${declared} bytes exceeds the ${maxBytes}-byte limit`));
      return;
    }
    const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    let inflater: Gunzip | Inflate | undefined;
    if (encoding.includes('gzip')) inflater = createGunzip();
    else if (encoding === 'deflate') inflater = createInflate();
    else if (encoding !== 'identity' && encoding !== '') {
      req.resume();
      reject(new BodyError(415, `Unsupported Content-Encoding ${encoding} (use gzip, deflate or none)`));
      return;
    }

    const chunks: Buffer[] = [];
    let rawSize = 0;
    let size = 0;
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      inflater?.destroy();
      // keep reading (and discarding) so the 4xx can still be written on this connection
      req.unpipe();
      req.resume();
      reject(error);
    };
    const collect = (chunk: Buffer): void => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) fail(new BodyError(413, `Request body exceeds the ${maxBytes}-byte limit${inflater ? ' once decompressed' : ''}`));
      else chunks.push(chunk);
    };
    const finish = (): void => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, size));
    };

    req.on('error', (error) => fail(error));
    req.on('aborted', () => fail(new Error('request aborted')));
    req.on('data', (chunk: Buffer) => {
      rawSize += chunk.length;
      if (rawSize > maxBytes) fail(new BodyError(413, `Request body exceeds the ${maxBytes}-byte limit`));
    });
    if (inflater) {
      inflater.on('data', collect);
      inflater.on('end', finish);
      inflater.on('error', () => fail(new BodyError(400, `Cannot ${encoding.includes('gzip') ? 'gunzip' : 'inflate'} spans`)));
      req.pipe(inflater);
    } else {
      req.on('data', collect);
      req.on('end', finish);
    }
  });
}
