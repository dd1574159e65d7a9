'use strict';
// Hello-world express server used by the HTTP overhead benchmark: one route behind one middleware.
const express = require('express');

// BENCH_SERVER_HOOK: a tracer that instruments with its own middleware (zipkin-js), mounted first as its docs show.
const hook = process.env.BENCH_SERVER_HOOK ? require(process.env.BENCH_SERVER_HOOK) : undefined;

const app = express();
if (hook) app.use(hook.expressMiddleware());
app.use((req, res, next) => { res.locals.start = Date.now(); next(); });
app.get('/__mem', (req, res) => { res.json(process.memoryUsage()); });
app.get('/', (req, res) => { res.type('text/plain').send('hello world'); });
const server = app.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
server.keepAliveTimeout = 60_000;
