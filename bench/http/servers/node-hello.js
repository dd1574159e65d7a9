'use strict';
// Hello-world node:http server used by the HTTP overhead benchmark. `/__mem` reports memory for the memory benchmark.
const http = require('node:http');

// BENCH_SERVER_HOOK: a tracer that instruments by wrapping the handler (zipkin-js) rather than by patching modules.
const hook = process.env.BENCH_SERVER_HOOK ? require(process.env.BENCH_SERVER_HOOK) : undefined;

const handler = (req, res) => {
  if (req.url === '/__mem') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(process.memoryUsage()));
    return;
  }
  res.setHeader('content-type', 'text/plain');
  res.end('hello world');
};
const server = http.createServer(hook ? hook.wrapHandler(handler) : handler);
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
