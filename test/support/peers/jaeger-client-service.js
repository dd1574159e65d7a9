'use strict';
/**
 * A jaeger-client 3.19 service for the Jaeger propagation interop test. jaeger-client has no HTTP instrumentation,
 * so this does what its users do by hand: extract FORMAT_HTTP_HEADERS on the way in, inject on the way out.
 * Spans go to COLLECTOR_URL (POST /api/traces, Thrift binary) with a const sampler (sample when nothing says
 * otherwise).
 *   GET /call?next=<url>[&baggage=k:v]  calls <url> and answers { service, downstream }
 *   GET /leaf                           answers { service, received: <uber-trace-id>, baggage: {...}, context }
 * Tells the parent its port over IPC: { type: 'listening', port }.
 */
const http = require('node:http');
const { initTracer } = require('jaeger-client');
const opentracing = require('opentracing');

const serviceName = process.env.SERVICE_NAME || 'jaeger-client';
const tracer = initTracer(
  { serviceName, sampler: { type: 'const', param: 1 }, reporter: { collectorEndpoint: process.env.COLLECTOR_URL, flushIntervalMs: 50 } },
  { logger: { info() {}, error() {} } },
);
const HEADERS = opentracing.FORMAT_HTTP_HEADERS;

function get(url, headers) {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const parent = tracer.extract(HEADERS, req.headers);
  const span = tracer.startSpan(`GET ${url.pathname}`, { childOf: parent || undefined, tags: { 'span.kind': 'server' } });
  let body;
  try {
    if (url.pathname === '/call') {
      const [key, value] = (url.searchParams.get('baggage') || '').split(':');
      if (key) span.setBaggageItem(key, value);
      const client = tracer.startSpan('GET downstream', { childOf: span.context(), tags: { 'span.kind': 'client' } });
      const headers = {};
      tracer.inject(client.context(), HEADERS, headers);
      try {
        body = { service: serviceName, downstream: await get(url.searchParams.get('next'), headers) };
      } finally {
        client.finish();
      }
    } else {
      const baggage = {};
      for (const key of ['user', 'tenant']) if (span.getBaggageItem(key) !== undefined) baggage[key] = span.getBaggageItem(key);
      body = { service: serviceName, received: req.headers['uber-trace-id'], baggage, context: span.context().toString() };
    }
  } catch (err) {
    body = { service: serviceName, error: String(err) };
  }
  span.finish();
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
});

server.listen(0, '127.0.0.1', () => process.send({ type: 'listening', port: server.address().port }));
process.on('disconnect', () => {
  server.closeAllConnections();
  tracer.close(() => server.close(() => process.exit(0)));
});
