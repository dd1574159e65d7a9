'use strict';
// Hello-world express server used by the HTTP overhead benchmark: one route behind one middleware.
const express = require('express');

const app = express();
app.use((req, res, next) => { res.locals.start = Date.now(); next(); });
app.get('/__mem', (req, res) => { res.json(process.memoryUsage()); });
app.get('/', (req, res) => { res.type('text/plain').send('hello world'); });
const server = app.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
server.keepAliveTimeout = 60_000;
