import { ZipkinDecodeError, type DecodeOptions, type DecodeResult } from './decode-result';
import { decodeJsonV1 } from './json-v1-decoder';
import { decodeJsonV2 } from './json-v2-decoder';
import { decodeProto3 } from './proto-decoder';
import { decodeThriftV1 } from './thrift-v1-decoder';

export interface DecodeRequest extends DecodeOptions {
  /** which endpoint the body was posted to */
  api: 'v1' | 'v2';
  /** the request's Content-Type, a hint only: the body is sniffed like Zipkin's SpanBytesDecoderDetector */
  contentType?: string;
}

function firstNonWhitespace(body: Buffer): number {
  for (let i = 0; i < body.length; i++) {
    const b = body[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return i;
  }
  return -1;
}

/**
 * Structural markers (a key followed by its value's opening token), so that a tag *named* `endpoint` or an
 * annotation *valued* `"tags"` does not flip the format; used to accept a body posted to the wrong path.
 */
const V1_MARKER = /"binaryAnnotations"\s*:/;
const V1_ENDPOINT = /"endpoint"\s*:\s*\{/;
const V2_MARKER = /"(?:localEndpoint|remoteEndpoint)"\s*:\s*\{|"tags"\s*:\s*\{|"kind"\s*:\s*"/;

function looksLikeV1(text: string): boolean {
  return V1_MARKER.test(text) || (V1_ENDPOINT.test(text) && !V2_MARKER.test(text));
}

function looksLikeV2(text: string): boolean {
  return !V1_MARKER.test(text) && V2_MARKER.test(text);
}

/**
 * Any Zipkin span list (v2 JSON, v2 proto3, v1 JSON, v1 Thrift) → canonical v2 spans. An empty body is an empty list. A body
 * that cannot be decoded at all throws ZipkinDecodeError; individually invalid spans are dropped and reported in
 * `issues` (or, with `strict`, fail the whole batch like Zipkin).
 */
export function decodeZipkin(body: Buffer, request: DecodeRequest): DecodeResult {
  const start = firstNonWhitespace(body);
  const contentType = (request.contentType ?? '').toLowerCase();
  // Zipkin reads Thrift on the v1 path only, by Content-Type or by its first byte (12: a list of structs)
  if (contentType.startsWith('application/x-thrift') || (request.api === 'v1' && body[0] === 0x0c)) {
    if (request.api !== 'v1') throw new ZipkinDecodeError('v1 Thrift must be posted to /api/v1/spans');
    return decodeThriftV1(body, request);
  }
  // Zipkin sniffs 0x0A (field 1, length-delimited) as proto3; a JSON body with a leading newline must not be.
  const sniffedProto = body[0] === 0x0a && body.length > 1 && body[1] !== 0 && body[start] !== 0x5b && !contentType.includes('json');
  if (request.api === 'v2' && (contentType.startsWith('application/x-protobuf') || sniffedProto)) return decodeProto3(body, request);
  if (start < 0) return { format: request.api === 'v1' ? 'json-v1' : 'json-v2', spans: [], issues: [] };
  if (body[start] !== 0x5b /* [ */) throw new ZipkinDecodeError(`Expected a JSON_${request.api.toUpperCase()} encoded list`);
  const text = body.toString('utf8');
  if (request.api === 'v2') return looksLikeV1(text) ? decodeJsonV1(text, request) : decodeJsonV2(text, request);
  return looksLikeV2(text) ? decodeJsonV2(text, request) : decodeJsonV1(text, request);
}
