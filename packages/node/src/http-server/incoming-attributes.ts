import type { Attributes } from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';
import { getIncomingRequestAttributes } from '@opentelemetry/instrumentation-http/build/src/utils';

/** instrumentation-http's default list (it is not exported from the package's index). */
const REDACTED_QUERY_PARAMS = ['sig', 'Signature', 'AWSAccessKeyId', 'X-Goog-Signature', 'X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Security-Token'];

/** Methods that instrumentation-http's normalizeMethod() returns unchanged. */
const PLAIN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);
/** A name or IPv4 address with an optional numeric port (IPv6 literals take the slow path). */
const SIMPLE_HOST = /^[A-Za-z0-9.-]+(?::[0-9]{1,5})?$/;
/**
 * A request target whose WHATWG pathname is itself: absolute path of unreserved/sub-delim characters, no
 * percent-escapes, no `//` start (a protocol-relative URL) and no dot segments (checked separately).
 */
const SIMPLE_PATH = /^\/(?!\/)[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

/**
 * The server span's start attributes, exactly as @opentelemetry/instrumentation-http 0.223 computes them (stable
 * semconv, same keys in the same order), without its `new URL()` per request. The common request — known method,
 * plain path and Host header, no query string, no `Forwarded`/`X-Forwarded-*` headers — is computed here; anything
 * else is handed to instrumentation-http's own function, so the output never differs.
 */
export function incomingRequestAttributes(request: IncomingMessage, component: 'http' | 'https'): Attributes {
  const headers = request.headers;
  const method = request.method;
  const host = headers.host;
  const url = request.url;
  if (
    method === undefined ||
    !PLAIN_METHODS.has(method) ||
    host === undefined ||
    url === undefined ||
    headers.forwarded !== undefined ||
    headers['x-forwarded-host'] !== undefined ||
    headers['x-forwarded-for'] !== undefined ||
    !hostParses(host) ||
    !SIMPLE_PATH.test(url) ||
    DOT_SEGMENT.test(url)
  ) {
    return getIncomingRequestAttributes(
      request,
      { component, enableSyntheticSourceDetection: false, redactedQueryParams: REDACTED_QUERY_PARAMS },
      // only its "unable to parse" verbose message goes here
      { verbose: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    );
  }
  const colon = host.indexOf(':');
  const socket = request.socket;
  const remoteAddress = socket.remoteAddress;
  const attributes: Attributes = {
    'http.request.method': method,
    'url.scheme': component,
    'server.address': colon < 0 ? host : host.slice(0, colon),
    'network.peer.address': remoteAddress,
    'network.peer.port': socket.remotePort,
    'network.protocol.version': request.httpVersion,
    'user_agent.original': headers['user-agent'],
    'url.path': url,
  };
  if (remoteAddress) attributes['client.address'] = remoteAddress;
  attributes['server.port'] = colon < 0 ? (component === 'https' ? 443 : 80) : Number(host.slice(colon + 1));
  return attributes;
}

/** The last Host header seen and whether `new URL()` accepts it: a server sees very few distinct Host values. */
let lastHost = '';
let lastHostParses = false;

function hostParses(host: string): boolean {
  if (host !== lastHost) {
    // instrumentation-http builds `new URL(url, 'http://' + host)`; a host it rejects (e.g. 999.1.1.1) means no url.path
    lastHostParses = SIMPLE_HOST.test(host) && URL.canParse(`http://${host}/`);
    lastHost = host;
  }
  return lastHostParses;
}
