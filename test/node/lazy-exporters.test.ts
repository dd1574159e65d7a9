import assert from 'node:assert/strict';
import path from 'node:path';
import { FIXTURES, killIfRunning, startNode, type RunningChild } from './child';

describe('built-in exporters load lazily', () => {
  let running: RunningChild | undefined;
  afterEach(() => killIfRunning(running));

  async function loadedWith(...exporters: string[]): Promise<{ loaded: string[]; warnings: string[] }> {
    // From sources, like the rest of the suite: a fresh process shows exactly what was required.
    running = startNode(['--conditions=polytrace-src', '--import', 'tsx', path.join(FIXTURES, 'lazy-exporters.ts'), ...exporters], {});
    const result = await running.exited;
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as { loaded: string[]; warnings: string[] };
  }

  it('choosing zipkin never loads the Datadog or Jaeger exporter code', async () => {
    const { loaded } = await loadedWith('zipkin');
    assert.ok(!loaded.includes('datadog'), `loaded: ${loaded.join(', ')}`);
    assert.ok(!loaded.includes('jaeger'), `loaded: ${loaded.join(', ')}`);
    assert.ok(loaded.includes('zipkin'));
  });

  it('choosing console loads none of the backend exporters', async () => {
    const { loaded, warnings } = await loadedWith('console');
    assert.deepEqual(loaded, ['console']);
    assert.deepEqual(warnings, []);
  });
});
