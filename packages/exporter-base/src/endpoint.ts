/** Where an HTTP transport connects: a TCP host/port (optionally TLS) or a Unix domain socket. */
export interface HttpEndpoint {
  readonly protocol: 'http:' | 'https:';
  readonly hostname: string;
  readonly port: number;
  /** set for Unix domain sockets; hostname/port are then only used for the Host header */
  readonly socketPath?: string;
  /** request path including the query string */
  readonly path: string;
}

/**
 * Accepts `http://host:port/path`, `https://…` and `unix:///abs/path.sock` (the form `DD_TRACE_AGENT_URL` uses).
 * `pathOverride` replaces the URL's path; for a socket URL it is the only way to give a request path.
 */
export function parseHttpEndpoint(url: string | URL, pathOverride?: string): HttpEndpoint {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  if (parsed.protocol === 'unix:') {
    const socketPath = decodeURIComponent(parsed.pathname);
    if (socketPath === '' || socketPath === '/') throw new TypeError(`unix URL without a socket path: ${parsed.href}`);
    return { protocol: 'http:', hostname: 'localhost', port: 80, socketPath, path: pathOverride ?? '/' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`unsupported URL protocol ${parsed.protocol} (use http:, https: or unix:)`);
  }
  const defaultPort = parsed.protocol === 'https:' ? 443 : 80;
  return {
    protocol: parsed.protocol,
    // URL keeps IPv6 literals bracketed; http.request wants them bare
    hostname: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? defaultPort : Number(parsed.port),
    path: pathOverride ?? `${parsed.pathname}${parsed.search}`,
  };
}
