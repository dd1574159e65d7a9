import * as assert from 'node:assert/strict';
import { getJson } from '@polytrace/example-support';
import { DatadogCaptureAgent, type CapturedSpan } from '../../../test/support/datadog-agent';
import { ancestors, traceOf } from '../../../test/support/datadog-trace';
import { only as onlyOf } from '../../../test/support/only';
import { requireServices } from '../../../test/support/services';
import { sql } from '../src/services/catalog';
import { startMatchmaker, type RunningMatchmaker } from '../src/matchmaker';

interface PairingBody {
  pick?: string;
  recomputed?: number;
  traceId?: string;
}

/** The one span that `match`es, naming the resources found when there are none or several. */
const only = (spans: CapturedSpan[], match: (s: CapturedSpan) => boolean, what: string): CapturedSpan =>
  onlyOf(spans, match, what, (s) => s.resource);

/** A span for an SQL statement (rather than, say, a pool checkout). */
function isQuery(span: CapturedSpan): boolean {
  return span.type === 'sql' && (span.meta['db.query.text'] ?? span.meta['db.statement']) !== undefined;
}

/** The Redis command of a span, from its resource (`mget key…`, `set key…`). */
function redisCommand(span: CapturedSpan): string {
  return span.resource.split(' ')[0]!.toLowerCase();
}

describe('examples/matchmaker: PostgreSQL + Redis + a taster service', function () {
  this.timeout(120_000);
  let agent: DatadogCaptureAgent | undefined;
  let matchmaker: RunningMatchmaker | undefined;
  const output: string[] = [];

  before(async () => {
    await requireServices(['postgres', 'redis']);
    agent = await DatadogCaptureAgent.start();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(output.join('\n'));
  });

  after(async () => {
    await matchmaker?.stop();
    await agent?.close();
  });

  it('shows the route, each SQL statement, each Redis command and the taster call with Datadog resources', async () => {
    matchmaker = await startMatchmaker({
      env: { ...process.env, OTEL_TRACES_EXPORTER: 'datadog', DD_TRACE_AGENT_URL: agent!.url, OTEL_BSP_SCHEDULE_DELAY: '200' },
      output: (line) => output.push(line),
    });
    const statements = sql(matchmaker.catalog);
    const cold = await getJson(`${matchmaker.url}/pairings/brie`);
    const warm = await getJson(`${matchmaker.url}/pairings/brie`);
    assert.equal(cold.status, 200);
    assert.equal(warm.status, 200);
    const coldBody = cold.body as PairingBody;
    const warmBody = warm.body as PairingBody;
    assert.ok(coldBody.recomputed! > 0, 'the first request finds no scores in Redis');
    assert.equal(warmBody.recomputed, 0, 'the second is served from Redis');
    assert.equal(warmBody.pick, coldBody.pick);
    await matchmaker.stop(); // flushes both services
    matchmaker = undefined;
    assert.deepEqual(agent!.violations(), []);
    const spans = agent!.spans();

    // The slow request: everything inside one trace rooted at the route.
    const trace = traceOf(spans, coldBody.traceId!);
    assert.deepEqual([...new Set(trace.map((s) => s.service))].sort(), ['matchmaker', 'taster']);
    const root = only(trace, (s) => s.parent_id === 0n, 'root span');
    assert.equal(root.service, 'matchmaker');
    assert.equal(root.resource, 'GET /pairings/:dish');
    assert.equal(root.type, 'web');

    // Each SQL statement is a span whose resource is the statement (pool checkouts are spans too).
    const sqlSpans = trace.filter(isQuery);
    assert.deepEqual(
      sqlSpans.map((s) => s.resource).sort(),
      [statements.dishByName, statements.winesForFlavour, statements.recomputeScores].sort(),
    );
    for (const s of sqlSpans) assert.ok(ancestors(s, trace).includes(root));

    // Each Redis command: one MGET, then one SET per recomputed score inside the slow path's span.
    const redisSpans = trace.filter((s) => s.type === 'redis');
    assert.deepEqual(
      redisSpans.map(redisCommand).sort(),
      ['mget', ...Array<string>(coldBody.recomputed!).fill('set')].sort(),
    );
    const recompute = only(trace, (s) => s.resource === 'recompute scores', 'slow-path span');
    const recomputeSql = only(sqlSpans, (s) => s.resource === statements.recomputeScores, 'recompute statement');
    assert.equal(recomputeSql.parent_id, recompute.span_id);
    for (const set of redisSpans.filter((s) => redisCommand(s) === 'set')) assert.equal(set.parent_id, recompute.span_id);

    // The cross-service call: the matchmaker's client span is the parent of the taster's server span.
    const tasterServer = only(trace, (s) => s.service === 'taster' && s.meta['span.kind'] === 'server', 'taster server span');
    assert.equal(tasterServer.resource, 'POST /taste');
    const call = trace.find((s) => s.span_id === tasterServer.parent_id);
    assert.equal(call?.service, 'matchmaker');
    assert.equal(call?.meta['span.kind'], 'client');
    const judge = only(trace, (s) => s.service === 'taster' && s.resource.startsWith('judge '), 'taster work span');
    assert.ok(ancestors(judge, trace).includes(tasterServer));

    // The fast request: same route, no slow path, only the MGET.
    const warmTrace = traceOf(spans, warmBody.traceId!);
    assert.ok(!warmTrace.some((s) => s.resource === 'recompute scores'));
    assert.deepEqual(warmTrace.filter((s) => s.type === 'redis').map(redisCommand), ['mget']);
    assert.deepEqual(
      warmTrace.filter(isQuery).map((s) => s.resource).sort(),
      [statements.dishByName, statements.winesForFlavour].sort(),
    );
  });
});
