import * as assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { RetryingExporter, UdpTransport, type UdpTransportOptions } from '@polytrace/exporter-base';
import { waitFor } from '../../../test/support/faulty-server';
import { detectUnhandledRejections, jsonEncoder, makeSpans, namesIn } from './helpers';

function exportOnce(exporter: RetryingExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

describe('RetryingExporter + UdpTransport', () => {
  const rejections = detectUnhandledRejections();
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown): void => {
    uncaught.push(error);
  };
  let receiver: dgram.Socket | undefined;
  let exporter: RetryingExporter | undefined;
  const datagrams: Buffer[] = [];

  before(() => process.on('uncaughtException', onUncaught));
  after(() => process.off('uncaughtException', onUncaught));

  async function listen(): Promise<number> {
    receiver = dgram.createSocket('udp4');
    receiver.on('message', (msg) => datagrams.push(msg));
    await new Promise<void>((resolve) => receiver?.bind(0, '127.0.0.1', resolve));
    return (receiver.address() as AddressInfo).port;
  }

  function newExporter(port: number, options: Partial<UdpTransportOptions> = {}): RetryingExporter {
    exporter = new RetryingExporter({
      name: 'udp-test',
      encoder: jsonEncoder,
      transport: new UdpTransport({ host: '127.0.0.1', port, ...options }),
      retry: { maxAttempts: 2, initialBackoffMillis: 5, maxBackoffMillis: 10 },
      diagIntervalMillis: 0,
    });
    return exporter;
  }

  afterEach(async () => {
    await exporter?.shutdown();
    exporter = undefined;
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
    receiver = undefined;
    datagrams.length = 0;
    rejections.check();
    assert.deepEqual(uncaught, []);
  });

  it('sends one datagram per payload to a live receiver', async () => {
    const ex = newExporter(await listen());
    const spans = makeSpans(5);
    assert.equal((await exportOnce(ex, spans)).code, ExportResultCode.SUCCESS);
    await waitFor(() => datagrams.length === 1, 20_000, 'the datagram');
    assert.deepEqual(namesIn(datagrams), spans.map((s) => s.name));
    assert.equal(ex.getStats().bytesSent, datagrams[0].length);
  });

  it('nobody listening: nothing is thrown at the application, no error event, spans are accounted', async () => {
    const port = await listen();
    await new Promise<void>((resolve) => receiver?.close(() => resolve()));
    receiver = undefined;
    const ex = newExporter(port);
    for (let i = 0; i < 20; i++) await exportOnce(ex, makeSpans(3));
    // let any late ICMP-triggered socket error surface before the afterEach checks
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stats = ex.getStats();
    assert.equal(stats.spansExported + stats.spansDropped, 60);
  });

  it('a payload larger than maxDatagramBytes is split in halves; a single oversized span is dropped as tooLarge', async () => {
    const spans = makeSpans(12, 'u');
    const limit = jsonEncoder(spans.slice(0, 3)).body.length;
    const ex = newExporter(await listen(), { maxDatagramBytes: limit });
    const huge = makeSpans(1, 'huge', 2 * limit)[0];
    const result = await exportOnce(ex, [...spans, huge]);
    assert.equal(result.code, ExportResultCode.FAILED);
    await waitFor(() => namesIn(datagrams).length === 12, 20_000, 'all small spans');
    assert.deepEqual(namesIn(datagrams).sort(), spans.map((s) => s.name).sort());
    for (const d of datagrams) assert.ok(d.length <= limit);
    assert.equal(ex.getStats().dropped.tooLarge, 1);
  });

  it("the kernel's own EMSGSIZE (datagram over 64 KiB) is counted as tooLarge, not thrown", async () => {
    const ex = newExporter(await listen(), { maxDatagramBytes: 200_000 });
    const result = await exportOnce(ex, makeSpans(1, 'giant', 100_000));
    assert.equal(result.code, ExportResultCode.FAILED);
    assert.equal(ex.getStats().dropped.tooLarge, 1);
  });
});
