'use strict';
/**
 * A zipkin-js 0.22 service for the B3 propagation interop test: express with zipkin-instrumentation-express,
 * outgoing calls through zipkin-instrumentation-fetch, spans reported as JSON v2 to ZIPKIN_URL.
 *   GET /call?next=<url>  calls <url> and answers { service, downstream }
 *   GET /leaf             answers { service, received: <the B3 headers it got> }
 * Prints nothing; tells the parent its port over IPC: { type: 'listening', port }.
 */
const express = require('express');
const { Tracer, BatchRecorder, jsonEncoder } = require('zipkin');
const CLSContext = require('zipkin-context-cls');
const { HttpLogger } = require('zipkin-transport-http');
const { expressMiddleware } = require('zipkin-instrumentation-express');
const wrapFetch = require('zipkin-instrumentation-fetch');

const serviceName = process.env.SERVICE_NAME || 'zipkin-js';
const logger = new HttpLogger({ endpoint: process.env.ZIPKIN_URL, jsonEncoder: jsonEncoder.JSON_V2, httpInterval: 50 });
const tracer = new Tracer({ ctxImpl: new CLSContext('zipkin', true), recorder: new BatchRecorder({ logger }), localServiceName: serviceName });
const zipkinFetch = wrapFetch(fetch, { tracer, serviceName, remoteServiceName: 'downstream' });

const app = express();
app.use(expressMiddleware({ tracer, serviceName }));

app.get('/call', async (req, res) => {
  try {
    const downstream = await zipkinFetch(String(req.query.next));
    res.json({ service: serviceName, downstream: await downstream.json() });
  } catch (err) {
    res.status(502).json({ service: serviceName, error: String(err) });
  }
});

app.get('/leaf', (req, res) => {
  const received = {};
  for (const [key, value] of Object.entries(req.headers)) if (key === 'b3' || key.startsWith('x-b3-')) received[key] = value;
  res.json({ service: serviceName, received });
});

const server = app.listen(0, '127.0.0.1', () => process.send({ type: 'listening', port: server.address().port }));
process.on('disconnect', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
