/**
 * dd-trace 5.132 ⇄ Polytrace propagation over real HTTP on 127.0.0.1, each service in its own process,
 * both reporting to the capture agent: dd-trace → Polytrace → dd-trace and Polytrace → dd-trace → Polytrace,
 * with `datadog` and `tracecontext` styles, 64- and 128-bit trace ids, priorities −1..2, an origin and a
 * propagated `_dd.p.*` tag. The assertions read what each tracer itself reported to the agent.
 */
import * as assert from 'node:assert';
import { randomBytes } from 'node:crypto';
import { DatadogCaptureAgent, type CapturedSpan } from '../support/datadog-agent';
import { hex16 } from '../support/datadog-trace';
import { startPeer, type PeerProcess } from '../support/peers/peer-process';

const DD_SERVICE = 'dd-svc';
const PT_SERVICE = 'polytrace-svc';
const ORIGIN = 'synthetics';
const USER_TAG = '_dd.p.usr.id';
const USER_ID = 'u-42';
// dd-trace takes long to boot on a loaded machine , hence twice the launcher's default.
const DD_PEER_START_MS = 60_000;

interface Chain {
  label: string;
  lowId: bigint;
  tid?: string;
  parentId: bigint;
  priority: number;
  firstService: string;
}

function random63(): bigint {
  const b = randomBytes(8);
  b[0] &= 0x7f;
  return b.readBigUInt64BE() || 1n;
}

function upstreamHeaders(style: string, chain: Chain): Record<string, string> {
  if (style === 'datadog') {
    const tags = chain.tid ? `_dd.p.tid=${chain.tid},${USER_TAG}=${USER_ID}` : `${USER_TAG}=${USER_ID}`;
    return {
      'x-datadog-trace-id': chain.lowId.toString(),
      'x-datadog-parent-id': chain.parentId.toString(),
      'x-datadog-sampling-priority': String(chain.priority),
      'x-datadog-origin': ORIGIN,
      'x-datadog-tags': tags,
    };
  }
  return {
    traceparent: `00-${chain.tid ?? '0'.repeat(16)}${hex16(chain.lowId)}-${hex16(chain.parentId)}-${chain.priority > 0 ? '01' : '00'}`,
    tracestate: `dd=s:${chain.priority};o:${ORIGIN};t.usr.id:${USER_ID},other=vendor`,
  };
}

async function get(url: string, headers: Record<string, string>): Promise<string> {
  const res = await fetch(url, { headers });
  const body = await res.text();
  assert.strictEqual(res.status, 200, `${url}: ${body}`);
  return body;
}

for (const style of ['datadog', 'tracecontext']) {
  describe(`interop with dd-trace 5.132: ${style} propagation`, function () {
    this.timeout(180_000);
    let agent: DatadogCaptureAgent;
    let ddTrace: PeerProcess;
    let polytrace: PeerProcess;
    const chains: Chain[] = [];

    before(async () => {
      agent = await DatadogCaptureAgent.start();
      const env = {
        DD_TRACE_AGENT_URL: agent.url,
        DD_TRACE_PROPAGATION_STYLE: style,
        DD_TRACE_STARTUP_LOGS: 'false',
        DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
        DD_REMOTE_CONFIGURATION_ENABLED: 'false',
        DD_TRACE_STATS_COMPUTATION_ENABLED: 'false',
        DD_ENV: '',
        DD_TAGS: '',
      };
      [ddTrace, polytrace] = await Promise.all([
        startPeer('dd-trace-interop-service.js', { env: { ...env, DD_SERVICE }, startTimeoutMs: DD_PEER_START_MS }),
        startPeer('dd-trace-interop-polytrace-service.ts', { env: { ...env, DD_SERVICE: PT_SERVICE }, startTimeoutMs: DD_PEER_START_MS }),
      ]);

      // Every combination, all in flight at once: A→P→A and P→A→P, 64/128-bit, priorities -1..2.
      const requests: Array<Promise<string>> = [];
      for (const firstService of [DD_SERVICE, PT_SERVICE]) {
        for (const tid of [undefined, `${Math.floor(Date.now() / 1000).toString(16).padStart(8, '0')}00000000`]) {
          for (const priority of [-1, 0, 1, 2]) {
            const chain: Chain = { label: `${firstService} first, ${tid ? 128 : 64}-bit, priority ${priority}`, lowId: random63(), tid, parentId: random63(), priority, firstService };
            chains.push(chain);
            const [first, second] = firstService === DD_SERVICE ? [ddTrace, polytrace] : [polytrace, ddTrace];
            const leaf = `${first.url}/leaf`;
            const url = `${first.url}/hop?to=${encodeURIComponent(`${second.url}/hop?to=${encodeURIComponent(leaf)}`)}`;
            requests.push(get(url, upstreamHeaders(style, chain)));
          }
        }
      }
      await Promise.all(requests);
      // 5 spans per chain: server+client on both hops of the first service's process, server+client of the middle one, leaf server.
      await agent.waitFor(() => chains.every((c) => spansOf(c).length >= 5), 60_000,
        () => `5 spans per chain; have ${chains.map((c) => spansOf(c).length).join(',')}\n${ddTrace.stderr()}\n${polytrace.stderr()}`);
    });

    after(async () => {
      await Promise.all([ddTrace?.stop(), polytrace?.stop()]);
      await agent?.close();
    });

    function spansOf(chain: Chain): CapturedSpan[] {
      return agent.spans().filter((s) => s.trace_id === chain.lowId);
    }

    it('every span of a chain lands in one trace, with correct parents across the three hops', () => {
      for (const chain of chains) {
        const spans = spansOf(chain);
        assert.strictEqual(spans.length, 5, `${chain.label}: ${spans.length} spans`);
        const byId = new Map(spans.map((s) => [s.span_id, s]));
        const roots = spans.filter((s) => !byId.has(s.parent_id));
        assert.strictEqual(roots.length, 1, `${chain.label}: one entry span`);
        assert.strictEqual(roots[0].parent_id, chain.parentId, `${chain.label}: entry span's parent is the upstream caller`);
        assert.strictEqual(roots[0].service, chain.firstService, chain.label);
        // Walk from the entry span: services must go first → first → middle → middle → first.
        const path = [roots[0]];
        for (let next = spans.find((s) => s.parent_id === path[path.length - 1].span_id); next; next = spans.find((s) => s.parent_id === path[path.length - 1].span_id)) {
          path.push(next);
        }
        const middle = chain.firstService === DD_SERVICE ? PT_SERVICE : DD_SERVICE;
        assert.deepStrictEqual(path.map((s) => s.service), [chain.firstService, chain.firstService, middle, middle, chain.firstService], chain.label);
      }
    });

    it('the sampling priority survives every hop, in both tracers', () => {
      for (const chain of chains) {
        for (const service of [DD_SERVICE, PT_SERVICE]) {
          const priorities = spansOf(chain).filter((s) => s.service === service && '_sampling_priority_v1' in s.metrics).map((s) => s.metrics._sampling_priority_v1);
          assert.ok(priorities.length > 0, `${chain.label}: ${service} reported no priority`);
          assert.deepStrictEqual([...new Set(priorities)], [chain.priority], `${chain.label}: ${service}`);
        }
      }
    });

    it('origin, the _dd.p.* tag and the 128-bit trace id survive every hop', () => {
      for (const chain of chains) {
        for (const service of [DD_SERVICE, PT_SERVICE]) {
          const spans = spansOf(chain).filter((s) => s.service === service);
          assert.ok(spans.every((s) => s.meta['_dd.origin'] === ORIGIN), `${chain.label}: ${service} origin ${spans.map((s) => s.meta['_dd.origin'])}`);
          assert.ok(spans.some((s) => s.meta[USER_TAG] === USER_ID), `${chain.label}: ${service} lost ${USER_TAG}`);
          const tids = new Set(spans.map((s) => s.meta['_dd.p.tid']).filter((t) => t !== undefined));
          assert.deepStrictEqual([...tids], chain.tid ? [chain.tid] : [], `${chain.label}: ${service} _dd.p.tid`);
        }
      }
    });

    it('the capture agent saw well-formed payloads from both tracers', () => {
      assert.deepStrictEqual(agent.violations(), []);
    });
  });
}

/**
 * A proxy that rewrites `traceparent` (as GCP load balancers do) sits between dd-trace and Polytrace, both
 * on their default `datadog,tracecontext` extraction: Polytrace must parent its span on the proxy's span and
 * record dd-trace's span as `_dd.parent_id`, so the backend can still stitch the trace.
 */
describe('interop with dd-trace 5.132: a traceparent-rewriting proxy in between', function () {
  this.timeout(180_000);
  let agent: DatadogCaptureAgent;
  let ddTrace: PeerProcess;
  let polytrace: PeerProcess;
  let proxy: import('node:http').Server;
  const proxySpanId = 'abcdef0123456789';
  let proxyUrl = '';

  before(async () => {
    const http = await import('node:http');
    agent = await DatadogCaptureAgent.start();
    const env = {
      DD_TRACE_AGENT_URL: agent.url, DD_TRACE_STARTUP_LOGS: 'false', DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
      DD_REMOTE_CONFIGURATION_ENABLED: 'false', DD_TRACE_PROPAGATION_STYLE: 'datadog,tracecontext,baggage',
    };
    [ddTrace, polytrace] = await Promise.all([
      startPeer('dd-trace-interop-service.js', { env: { ...env, DD_SERVICE }, startTimeoutMs: DD_PEER_START_MS }),
      startPeer('dd-trace-interop-polytrace-service.ts', { env: { ...env, DD_SERVICE: PT_SERVICE }, startTimeoutMs: DD_PEER_START_MS }),
    ]);
    const target = new URL(polytrace.url);
    proxy = http.createServer((req, res) => {
      const headers = { ...req.headers };
      const traceparent = String(headers.traceparent ?? '');
      headers.traceparent = `${traceparent.slice(0, 36)}${proxySpanId}${traceparent.slice(52)}`;
      const upstream = http.request({ host: target.hostname, port: target.port, path: req.url, headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const address = proxy.address();
    proxyUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  after(async () => {
    await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
    await Promise.all([ddTrace?.stop(), polytrace?.stop()]);
    await agent?.close();
  });

  it('reparents on the proxy span and records dd-trace\'s span as _dd.parent_id', async () => {
    const lowId = random63();
    const body = await get(`${ddTrace.url}/hop?to=${encodeURIComponent(`${proxyUrl}/leaf`)}`, {
      'x-datadog-trace-id': lowId.toString(), 'x-datadog-parent-id': random63().toString(), 'x-datadog-sampling-priority': '1',
    });
    const received = JSON.parse(body) as Record<string, string>;
    assert.ok(received.traceparent?.includes(proxySpanId), 'the proxy rewrote traceparent');
    await agent.waitFor(() => agent.spans().filter((s) => s.trace_id === lowId).length >= 3, 60_000, () => 'dd-trace and Polytrace spans');
    const spans = agent.spans().filter((s) => s.trace_id === lowId);
    const ddClient = spans.find((s) => s.service === DD_SERVICE && s.meta['span.kind'] === 'client');
    const ptServer = spans.find((s) => s.service === PT_SERVICE);
    assert.ok(ddClient && ptServer, JSON.stringify(spans.map((s) => [s.service, s.name])));
    assert.strictEqual(ptServer.parent_id, BigInt(`0x${proxySpanId}`), 'parent is the proxy span named by traceparent');
    assert.strictEqual(ptServer.meta['_dd.parent_id'], hex16(ddClient.span_id), 'last Datadog span recorded');
  });
});
