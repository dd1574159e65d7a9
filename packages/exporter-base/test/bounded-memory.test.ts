import * as assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { HttpTransport, PolytraceSpanProcessor, RetryingExporter } from '@polytrace/exporter-base';
import { FaultyServer, refusedUrl } from '../../../test/support/faulty-server';
import { detectUnhandledRejections, jsonEncoder } from './helpers';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const SPANS = 1_000_000;
const CHUNK = 5_000;
/** stated bound: the queue (2048) + 4 batches in flight (512 each) of small spans is a few MB; 40 MB leaves GC slack */
const HEAP_GROWTH_BOUND = 40 * 1024 * 1024;
const MAX_BYTES_IN_FLIGHT = 4 * 1024 * 1024;

describe(`bounded memory: ${SPANS.toLocaleString('en')} spans at a dead backend`, function () {
  this.timeout(180_000);
  const rejections = detectUnhandledRejections();
  let server: FaultyServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    rejections.check();
  });

  for (const backend of ['refusing', 'hanging'] as const) {
    it(`${backend}: heap growth stays under 40 MB, queue and bytes in flight stay capped, every span is counted`, async () => {
      let url: string;
      if (backend === 'refusing') url = await refusedUrl();
      else {
        server = await FaultyServer.start({ fault: { kind: 'hang' } });
        url = server.url;
      }
      const exporter = new RetryingExporter({
        name: 'dead',
        encoder: jsonEncoder,
        transport: new HttpTransport({ url }),
        retry: { maxAttempts: 3, initialBackoffMillis: 20, maxBackoffMillis: 100 },
        requestTimeoutMillis: 2_000,
        maxBytesInFlight: MAX_BYTES_IN_FLIGHT,
        shutdownTimeoutMillis: 200,
        diagIntervalMillis: 0,
      });
      const processor = new PolytraceSpanProcessor(exporter, { exportTimeoutMillis: 1_000, scheduledDelayMillis: 100 });
      const provider = new BasicTracerProvider({ spanProcessors: [processor] });
      const tracer = provider.getTracer('flood');
      const flood = async (count: number): Promise<void> => {
        for (let done = 0; done < count; done += CHUNK) {
          for (let i = 0; i < CHUNK; i++) tracer.startSpan('GET /flood', { attributes: { 'http.route': '/flood', i } }).end();
          // yield like a real server would between requests, so exports and retries actually run
          await new Promise((resolve) => setImmediate(resolve));
        }
      };
      await flood(50_000); // warm up: JIT, sockets, the queue at its steady state
      const baseline = heapAfterGc();
      let maxBytesInFlight = 0;
      let maxQueue = 0;
      for (let sent = 0; sent < SPANS; sent += 50_000) {
        await flood(50_000);
        const stats = processor.getStats();
        maxQueue = Math.max(maxQueue, stats.queueLength);
        maxBytesInFlight = Math.max(maxBytesInFlight, stats.exporter?.bytesInFlight ?? 0);
      }
      const growth = heapAfterGc() - baseline;
      if (process.env.POLYTRACE_TEST_VERBOSE) console.log(`${backend}: heap growth ${(growth / 1048576).toFixed(1)} MB, max bytes in flight ${maxBytesInFlight}, max queue ${maxQueue}`);
      assert.ok(growth < HEAP_GROWTH_BOUND, `heap grew ${(growth / 1048576).toFixed(1)} MB`);
      assert.ok(maxQueue <= 2048);
      assert.ok(maxBytesInFlight <= MAX_BYTES_IN_FLIGHT, `bytes in flight ${maxBytesInFlight}`);
      await provider.shutdown();
      const stats = processor.getStats();
      const total = SPANS + 50_000;
      assert.equal(stats.spansQueued + stats.spansDropped, total);
      // nothing was delivered: every span is counted as dropped, by the processor or by the exporter
      assert.equal(stats.spansDropped + (stats.exporter?.spansDropped ?? 0), total);
      assert.ok(stats.dropped.queueFull > SPANS / 2, 'failing exports are sent one at a time: most spans drop at the queue');
      // whatever the processor handed over, the exporter counted as dropped (nothing was delivered)
      assert.equal(stats.exporter?.spansExported, 0);
      assert.equal(stats.exporter?.spansDropped, stats.spansQueued);
    });
  }
});
