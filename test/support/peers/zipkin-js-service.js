'use strict';
/**
 * A zipkin-js 0.22 service for the B3 propagation and Zipkin bridge interop tests: express with
 * zipkin-instrumentation-express, outgoing calls through zipkin-instrumentation-fetch, spans posted by
 * zipkin-transport-http to ZIPKIN_URL encoded as ZIPKIN_ENCODING (JSON_V2 unless set; JSON_V1 is zipkin-js's own
 * default, which the bridge test sets explicitly).
 *   GET /call?next=<url>  calls <url> and answers { service, downstream }
 *   GET /leaf             answers { service, received: <the B3 headers it got> }
 * IPC to the parent: { type: 'listening', port } once up, { type: 'span', span } (the v2 JSON of every span it
 * reports, whatever the wire encoding, so a test can compare what a receiver got with what was sent) and
 * { type: 'error', message } when a POST to ZIPKIN_URL fails. Exits on disconnect.
 */
const express = require('express');
const { Tracer, BatchRecorder, jsonEncoder } = require('zipkin');
const CLSContext = require('zipkin-context-cls');
const { HttpLogger } = require('zipkin-transport-http');
const { expressMiddleware } = require('zipkin-instrumentation-express');
const wrapFetch = require('zipkin-instrumentation-fetch');

const serviceName = process.env.SERVICE_NAME || 'zipkin-js';
const encoding = jsonEncoder[process.env.ZIPKIN_ENCODING || 'JSON_V2'];
const httpLogger = new HttpLogger({ endpoint: process.env.ZIPKIN_URL, jsonEncoder: encoding, httpInterval: 50 });
httpLogger.on('error', (err) => process.send({ type: 'error', message: String(err) }));
const logger = {
  logSpan(span) {
    process.send({ type: 'span', span: JSON.parse(jsonEncoder.JSON_V2.encode(span)) });
    httpLogger.logSpan(span);
  },
};
const tracer = new Tracer({ ctxImpl: new CLSContext('zipkin', true), recorder: new BatchRecorder({ logger }), localServiceName: serviceName });
const zipkinFetch = wrapFetch(fetch, { tracer, serviceName, remoteServiceName: process.env.REMOTE_SERVICE || 'downstream' });

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
