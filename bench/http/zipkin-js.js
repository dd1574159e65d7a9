'use strict';
// The "zipkin-js" mode: Tracer + BatchRecorder + HttpLogger (zipkin-transport-http, JSON v2) + zipkin-context-cls,
// set up the way zipkin-js documents it. The bench servers load this module when BENCH_SERVER_HOOK names it:
// express uses zipkin-instrumentation-express; node:http, for which zipkin-js ships no middleware, wraps its handler
// in Instrumentation.HttpServer exactly as that express middleware does (headers in, recordRequest, recordResponse
// when the response finishes or closes).
// zipkin-context-cls offers no AsyncLocalStorage context: `true` picks its cls-hooked (async_hooks) variant, the one
// its README recommends for async code; ZIPKIN_CLS_ASYNC=false picks the continuation-local-storage one.
const { Tracer, BatchRecorder, Instrumentation, jsonEncoder, option: { Some, None } } = require('zipkin');
const CLSContext = require('zipkin-context-cls');
const { HttpLogger } = require('zipkin-transport-http');
const zipkinExpress = require('zipkin-instrumentation-express');

const serviceName = process.env.OTEL_SERVICE_NAME || 'bench';
// HttpLogger's processQueue does not return its POST: count the ones in flight, so SIGTERM can wait for them.
const inFlight = new Set();
const track = (url, options) => {
  const posted = fetch(url, options);
  inFlight.add(posted);
  const done = () => { inFlight.delete(posted); };
  posted.then(done, done);
  return posted;
};
const logger = new HttpLogger({ endpoint: process.env.ZIPKIN_URL, jsonEncoder: jsonEncoder.JSON_V2, fetchImplementation: track });
logger.on('error', (e) => { process.stderr.write(`zipkin-js: ${e.message.slice(0, 200)}\n`); });
const tracer = new Tracer({
  ctxImpl: new CLSContext('zipkin', process.env.ZIPKIN_CLS_ASYNC !== 'false'),
  recorder: new BatchRecorder({ logger }),
  localServiceName: serviceName,
});

// Flush on SIGTERM: post what the 1 s interval has not sent yet, wait for every POST, then exit.
process.once('SIGTERM', () => {
  logger.processQueue(track);
  Promise.allSettled([...inFlight]).finally(() => process.exit(0));
});

/** node:http: the express middleware's steps around a plain request handler. */
function wrapHandler(handler) {
  const instrumentation = new Instrumentation.HttpServer({ tracer, serviceName, port: 0 });
  return function zipkinHandler(req, res) {
    const readHeader = (name) => {
      const value = req.headers[name.toLowerCase()];
      return value != null ? new Some(value) : None;
    };
    tracer.scoped(() => {
      const id = instrumentation.recordRequest(req.method, `http://${req.headers.host}${req.url}`, readHeader);
      const onCloseOrFinish = () => {
        res.removeListener('close', onCloseOrFinish);
        res.removeListener('finish', onCloseOrFinish);
        tracer.letId(id, () => {
          tracer.recordRpc(instrumentation.spanNameFromRoute(req.method, undefined, res.statusCode));
          instrumentation.recordResponse(id, res.statusCode);
        });
      };
      res.once('close', onCloseOrFinish);
      res.once('finish', onCloseOrFinish);
      handler(req, res);
    });
  };
}

module.exports = {
  wrapHandler,
  expressMiddleware: () => zipkinExpress.expressMiddleware({ tracer, serviceName }),
};
