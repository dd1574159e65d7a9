import { gzipSync } from 'node:zlib';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { encodeSpansJsonV2 } from './span-json-encoder';
import type { ZipkinSpan } from './model';
import { encodeProto3 } from './proto-encoder';
import { spanToZipkin, type ZipkinMappingOptions } from './span-to-zipkin';

export type ZipkinEncoding = 'json' | 'proto3';
export type ZipkinCompression = 'gzip' | 'none';

export interface ZipkinPayloadOptions extends ZipkinMappingOptions {
  encoding?: ZipkinEncoding;
  compression?: ZipkinCompression;
}

export interface ZipkinPayload {
  body: Uint8Array;
  headers: Record<string, string>;
}

/** Pure: OTel spans in, one POST body (plus its Content-Type/Encoding headers) out. */
export function encodeZipkinPayload(spans: readonly ReadableSpan[], options: ZipkinPayloadOptions = {}): ZipkinPayload {
  const proto = options.encoding === 'proto3';
  let body: Uint8Array;
  if (proto) {
    const zipkin: ZipkinSpan[] = new Array(spans.length);
    for (let i = 0; i < spans.length; i++) zipkin[i] = spanToZipkin(spans[i], options);
    body = encodeProto3(zipkin);
  } else body = encodeSpansJsonV2(spans, options);
  const headers: Record<string, string> = { 'Content-Type': proto ? 'application/x-protobuf' : 'application/json' };
  if (options.compression === 'gzip') {
    body = gzipSync(body);
    headers['Content-Encoding'] = 'gzip';
  }
  return { body, headers };
}
