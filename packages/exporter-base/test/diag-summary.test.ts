import * as assert from 'node:assert/strict';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { HttpTransport, PolytraceSpanProcessor, RetryingExporter } from '@polytrace/exporter-base';
import { FaultyServer, waitFor } from '../../../test/support/faulty-server';
import { detectUnhandledRejections, jsonEncoder, makeSpans } from './helpers';

interface Line {
  level: 'error' | 'warn' | 'info' | 'debug' | 'verbose';
  message: string;
}

function captureDiag(): Line[] {
  const lines: Line[] = [];
  const push = (level: Line['level']) => (message: string) => lines.push({ level, message });
  const logger: DiagLogger = { error: push('error'), warn: push('warn'), info: push('info'), debug: push('debug'), verbose: push('verbose') };
  diag.setLogger(logger, { logLevel: DiagLogLevel.INFO, suppressOverrideMessage: true });
  return lines;
}

function exportOnce(exporter: RetryingExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

describe('accounting: getStats() and the periodic diag summary', () => {
  const rejections = detectUnhandledRejections();
  let server: FaultyServer;
  let lines: Line[];
  const closers: (() => Promise<unknown>)[] = [];

  beforeEach(async () => {
    server = await FaultyServer.start();
    lines = captureDiag();
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    diag.disable();
    await server.close();
    rejections.check();
  });

  function summaries(of: string): Line[] {
    return lines.filter((l) => l.message.startsWith(of));
  }

  it('logs one line per interval while something changes, a warning naming the drop reasons, and nothing when idle', async () => {
    const exporter = new RetryingExporter({
      name: 'acct',
      encoder: jsonEncoder,
      transport: new HttpTransport({ url: server.url }),
      diagIntervalMillis: 40,
    });
    closers.push(() => exporter.shutdown());
    const acct = (): Line[] => summaries('polytrace acct exporter');
    assert.equal((await exportOnce(exporter, makeSpans(4))).code, ExportResultCode.SUCCESS);
    await waitFor(() => acct().some((l) => /\+4 spans exported/.test(l.message)), 20_000, 'the first summary');
    // on a loaded machine an interval may also end while the request is in flight (+1 request, nothing exported yet)
    assert.ok(acct().every((l) => l.level === 'info'), JSON.stringify(acct()));

    server.setFault({ kind: 'status', status: 400 });
    assert.equal((await exportOnce(exporter, makeSpans(3))).code, ExportResultCode.FAILED);
    await waitFor(() => acct().some((l) => /DROPPED/.test(l.message)), 20_000, 'the loss summary');
    const loss = acct().find((l) => /DROPPED/.test(l.message)) as Line;
    assert.equal(loss.level, 'warn');
    assert.match(loss.message, /\+3 spans DROPPED \(rejected=3\)/);
    const linesAfterLoss = acct().length;

    // idle: wait for many intervals to pass (counted by a probe summary on another exporter), no new line
    const probe = new RetryingExporter({ name: 'probe', encoder: jsonEncoder, transport: new HttpTransport({ url: server.url }), diagIntervalMillis: 40 });
    closers.push(() => probe.shutdown());
    server.setFault({ kind: 'ok' });
    for (let i = 0; i < 5; i++) {
      await exportOnce(probe, makeSpans(1));
      await waitFor(() => summaries('polytrace probe exporter').some((l) => new RegExp(`exported=${i + 1} `).test(l.message)), 20_000, `probe summary ${i + 1}`);
    }
    assert.equal(acct().length, linesAfterLoss, 'an idle exporter stays quiet');

    const stats = exporter.getStats();
    assert.equal(stats.spansExported, 4);
    assert.equal(stats.dropped.rejected, 3);
    assert.equal(stats.spansDropped, 3);
    assert.equal(stats.requestsSent, 2);
    assert.equal(stats.requestsFailed, 1);
  });

  it("the processor reports its own drops (queue full, after shutdown) and includes the exporter's stats", async () => {
    server.setFault({ kind: 'hang' });
    const exporter = new RetryingExporter({
      name: 'slow',
      encoder: jsonEncoder,
      transport: new HttpTransport({ url: server.url }),
      requestTimeoutMillis: 60_000,
      shutdownTimeoutMillis: 50,
      diagIntervalMillis: 0,
    });
    const processor = new PolytraceSpanProcessor(exporter, {
      maxQueueSize: 10,
      maxExportBatchSize: 5,
      maxConcurrentExports: 1,
      exportTimeoutMillis: 200,
      diagIntervalMillis: 0,
    });
    for (const span of makeSpans(30)) processor.onEnd(span);
    await processor.shutdown();
    for (const span of makeSpans(2)) processor.onEnd(span);
    const stats = processor.getStats();
    assert.equal(stats.spansQueued + stats.dropped.queueFull, 30);
    assert.ok(stats.dropped.queueFull > 0);
    assert.equal(stats.dropped.afterShutdown, 2);
    assert.equal(stats.spansDropped, stats.dropped.queueFull + 2);
    await waitFor(() => processor.getStats().exporter?.spansDropped === stats.spansQueued, 20_000, 'exporter accounting');
    // shutdown always writes a final summary, here a warning because spans were lost
    const line = lines.find((l) => l.message.startsWith('polytrace span processor: +'));
    assert.equal(line?.level, 'warn');
    assert.match(line?.message ?? '', /queueFull=\d+/);
  });
});
