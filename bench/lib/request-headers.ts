// The request headers a Node server sees besides the tracing ones (IncomingHttpHeaders are lower-case): extraction
// benches run on this realistic carrier, not on one holding only the headers being looked for.
export function requestHeaders(tracing: Record<string, string>): Record<string, string> {
  return {
    host: 'api.internal:8080',
    'user-agent': 'node-fetch/1.0',
    accept: 'application/json',
    'accept-encoding': 'gzip, deflate',
    connection: 'keep-alive',
    'content-type': 'application/json',
    'content-length': '42',
    ...tracing,
  };
}
