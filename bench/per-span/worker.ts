// One contender of the per-span benchmark, in its own process so tracers cannot interfere: creates traces of a root
// with 10 children (5 attributes each), yielding to the event loop after each trace as a server would. After a
// warm-up it runs one measured round whenever the parent asks ('round'), reporting its cumulative CPU time at the
// round's start, so the parent charges everything up to the next round's start (background exports included) to it;
// 'cpu' asks for the cumulative CPU time that closes the last round.
import { context, trace, type Tracer } from '@opentelemetry/api';

const [contender, sinkUrl, warmupArg, roundArg] = process.argv.slice(2);
const WARMUP_TRACES = Number(warmupArg);
const ROUND_TRACES = Number(roundArg);
const SPANS_PER_TRACE = 11;

interface Contender { run(i: number): void }

function otelContender(tracer: Tracer): Contender {
  return {
    run(i) {
      const root = tracer.startSpan('GET /users/:id', { attributes: { 'http.method': 'GET', 'http.route': '/users/:id', 'http.status_code': 200, 'net.peer.port': 51234, 'user.id': i } });
      const ctx = trace.setSpan(context.active(), root);
      for (let c = 0; c < 10; c++) {
        tracer.startSpan('pg.query', { attributes: { 'db.system': 'postgresql', 'db.name': 'app', 'db.statement': 'SELECT * FROM users WHERE id = $1', 'db.rows': c, 'net.peer.name': 'db' } }, ctx).end();
      }
      root.end();
    },
  };
}

async function setup(): Promise<{ contender: Contender }> {
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const resource = resourceFromAttributes({ 'service.name': 'bench' });
  if (contender === 'dd-trace') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tracer = require('dd-trace').init({ url: sinkUrl, service: 'bench', startupLogs: false, plugins: false, telemetry: { enabled: false }, remoteConfig: { enabled: false } });
    return {
      contender: {
        run(i) {
          const root = tracer.startSpan('GET /users/:id', { tags: { 'http.method': 'GET', 'http.route': '/users/:id', 'http.status_code': 200, 'net.peer.port': 51234, 'user.id': i } });
          for (let c = 0; c < 10; c++) {
            tracer.startSpan('pg.query', { childOf: root, tags: { 'db.system': 'postgresql', 'db.name': 'app', 'db.statement': 'SELECT * FROM users WHERE id = $1', 'db.rows': c, 'net.peer.name': 'db' } }).finish();
          }
          root.finish();
        },
      },
    };
  }
  let processor;
  if (contender === 'otel-sdk-zipkin') {
    const { ZipkinExporter } = await import('@opentelemetry/exporter-zipkin');
    processor = new BatchSpanProcessor(new ZipkinExporter({ url: sinkUrl }));
  } else {
    const { PolytraceSpanProcessor } = await import('@polytrace/exporter-base');
    if (contender === 'polytrace-datadog') {
      const { DatadogExporter } = await import('@polytrace/exporter-datadog');
      processor = new PolytraceSpanProcessor(new DatadogExporter({ url: sinkUrl, processEnv: {} }));
    } else {
      const { ZipkinExporter } = await import('@polytrace/exporter-zipkin');
      processor = new PolytraceSpanProcessor(new ZipkinExporter({ url: sinkUrl }));
    }
  }
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  return { contender: otelContender(provider.getTracer('bench')) };
}

/** User+system CPU microseconds this process has used so far (all threads). */
function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function main(): Promise<void> {
  const { contender: c } = await setup();
  const send = (m: object): void => { process.send!(m); };
  for (let i = 0; i < WARMUP_TRACES; i++) { c.run(i); if (i % 10 === 0) await new Promise(setImmediate); }
  process.on('message', (m: string) => {
    if (m === 'cpu') { send({ type: 'cpu', micros: cpuMicros() }); return; }
    if (m !== 'round') return;
    void (async () => {
      const micros = cpuMicros();
      for (let i = 0; i < ROUND_TRACES; i++) { c.run(i); await new Promise(setImmediate); }
      send({ type: 'round', micros, spans: ROUND_TRACES * SPANS_PER_TRACE });
    })();
  });
  send({ type: 'ready', spans: WARMUP_TRACES * SPANS_PER_TRACE });
}

void main();
