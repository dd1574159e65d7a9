'use strict';
// A dd-trace 5.x HTTP service for the propagation interop tests. dd-trace reads its propagation styles
// from DD_TRACE_PROPAGATION_STYLE and reports to DD_TRACE_AGENT_URL (the test's capture agent).
//   GET /hop?to=<url>  calls <url> (dd-trace injects its headers) and answers with the downstream body
//   GET /leaf          answers with the trace headers it received, as JSON
// Sends {type:'listening', port} over IPC once listening; flushes and exits on 'stop' or SIGTERM.
const tracer = require('dd-trace').init({
  service: process.env.DD_SERVICE || 'dd-svc',
  flushInterval: 20,
  startupLogs: false,
  runtimeMetrics: false,
  telemetry: { enabled: false },
  remoteConfig: { enabled: false },
  plugins: false,
});
tracer.use('http');
const http = require('node:http');

const TRACE_HEADER = /^(x-datadog-|traceparent$|tracestate$|baggage$|b3$|x-b3-)/;

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const to = url.searchParams.get('to');
  if (url.pathname === '/hop' && to) {
    http.get(to, (down) => {
      let body = '';
      down.setEncoding('utf8');
      down.on('data', (c) => (body += c));
      down.on('end', () => res.end(body));
    }).on('error', (err) => {
      res.statusCode = 502;
      res.end(String(err));
    });
    return;
  }
  const received = {};
  for (const [k, v] of Object.entries(req.headers)) if (TRACE_HEADER.test(k)) received[k] = v;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(received));
});

function stop() {
  server.close();
  const exporter = tracer._tracer && tracer._tracer._exporter;
  setTimeout(() => process.exit(0), 3000).unref();
  if (exporter && exporter.flush) exporter.flush(() => process.exit(0));
  else process.exit(0);
}

server.listen(0, '127.0.0.1', () => process.send({ type: 'listening', port: server.address().port }));
process.on('message', (m) => m === 'stop' && stop());
process.on('disconnect', stop);
process.on('SIGTERM', stop);
