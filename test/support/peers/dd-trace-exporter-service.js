'use strict';
// A dd-trace 5.x instrumented HTTP service used as the reference in Datadog exporter interop tests.
// Env: DD_TRACE_AGENT_URL (the capture agent), DD_SERVICE, DD_ENV, DD_VERSION. Sends {type:'listening', port}
// over IPC once listening. GET /hop?to=<url> calls <url> (propagating Datadog headers) before answering; GET /error
// answers 500 after recording an error on the active span. Flushes and exits on disconnect or SIGTERM.
const tracer = require('dd-trace').init({
  flushInterval: 50,
  startupLogs: false,
  runtimeMetrics: false,
  telemetry: { enabled: false },
  remoteConfig: { enabled: false },
  plugins: true,
});
const http = require('node:http');

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/hop' && url.searchParams.get('to')) {
    http.get(url.searchParams.get('to'), (down) => {
      down.resume();
      down.on('end', () => res.end(`downstream ${down.statusCode}\n`));
    }).on('error', (err) => {
      res.statusCode = 502;
      res.end(String(err));
    });
    return;
  }
  if (url.pathname === '/error') {
    const span = tracer.scope().active();
    if (span) span.setTag('error', new TypeError('boom from dd-trace'));
    res.statusCode = 500;
    res.end('error\n');
    return;
  }
  res.end('ok\n');
});

function stop() {
  server.close();
  // Give dd-trace a final flush before exiting.
  tracer._tracer && tracer._tracer._exporter && tracer._tracer._exporter.flush
    ? tracer._tracer._exporter.flush(() => process.exit(0))
    : process.exit(0);
  setTimeout(() => process.exit(0), 2000).unref();
}

server.listen(0, '127.0.0.1', () => process.send({ type: 'listening', port: server.address().port }));
process.on('disconnect', stop);
process.on('SIGTERM', stop);
