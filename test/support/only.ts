import * as assert from 'node:assert/strict';

/**
 * The one item that `match`es, failing the test when there are none or several. `label` names each found item in
 * the failure message (for instance a span's resource), to show what was there instead.
 */
export function only<T>(items: T[], match: (item: T) => boolean, what: string, label?: (item: T) => string): T {
  const found = items.filter(match);
  const labels = label ? `: ${found.map(label).join(' | ')}` : '';
  assert.equal(found.length, 1, `expected exactly one ${what}, got ${found.length}${labels}`);
  return found[0]!;
}
