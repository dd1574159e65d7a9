/**
 * The examples' default view: every service exports Zipkin spans to the launcher, which takes them
 * in with @polytrace/zipkin-bridge and, once the services have stopped, prints one waterfall per
 * trace with the console exporter's renderer. A single process's console exporter only sees its own
 * part of a trace; this shows the whole request across services, gaps (such as time spent in a
 * queue) included.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { renderWaterfall } from '@polytrace/exporter-console';
import { createZipkinBridge } from '@polytrace/zipkin-bridge';

export interface WaterfallCollector {
  /** What to add to each service's env so it reports here. */
  readonly env: NodeJS.ProcessEnv;
  /** Stops listening and returns the waterfalls of everything received, oldest trace first. */
  close(): Promise<string>;
}

/** Keeps what the bridge hands over; the traces are only complete once every service has flushed. */
class CollectingExporter implements SpanExporter {
  readonly spans: ReadableSpan[] = [];

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.spans.push(...spans);
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function startMillis(span: ReadableSpan): number {
  return span.startTime[0] * 1000 + span.startTime[1] / 1e6;
}

/** The waterfall marks a failed span; under it go the exception and its stack, which it has no room for. */
function renderExceptions(trace: readonly ReadableSpan[], maxFrames = 6): string[] {
  const lines: string[] = [];
  for (const span of trace) {
    for (const event of span.events) {
      if (event.name !== 'exception') continue;
      const service = String(span.resource.attributes['service.name'] ?? '?');
      const stack = String(event.attributes?.['exception.stacktrace'] ?? event.attributes?.['exception.message'] ?? '');
      const [headline = '', ...frames] = stack.split('\n');
      lines.push(`✗ ${service} · ${span.name}: ${headline.trim()}`);
      for (const frame of frames.slice(0, maxFrames)) lines.push(`    ${frame.trim()}`);
      if (frames.length > maxFrames) lines.push(`    … ${frames.length - maxFrames} more frames`);
    }
  }
  return lines;
}

export function renderTraces(spans: readonly ReadableSpan[], width: number, colour: boolean): string {
  const traces = new Map<string, ReadableSpan[]>();
  for (const span of spans) {
    const id = span.spanContext().traceId;
    traces.set(id, [...(traces.get(id) ?? []), span]);
  }
  const oldestFirst = [...traces.values()].sort((a, b) => Math.min(...a.map(startMillis)) - Math.min(...b.map(startMillis)));
  return oldestFirst
    .map((trace) => [renderWaterfall(trace, { width, colour }), ...renderExceptions(trace)].join('\n'))
    .join('\n');
}

export async function startWaterfallCollector(output: NodeJS.WriteStream = process.stdout): Promise<WaterfallCollector> {
  const collected = new CollectingExporter();
  const bridge = createZipkinBridge({ exporter: collected });
  const server = http.createServer(bridge);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    env: { OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: `http://127.0.0.1:${port}/api/v2/spans` },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await bridge.shutdown();
      const colour = output.isTTY === true && process.env.NO_COLOR === undefined;
      return renderTraces(collected.spans, output.columns ?? 80, colour);
    },
  };
}
