/**
 * The test side of the peers' call chains: every chain peer answers `GET /call?next=<url>` with
 * `{ service, downstream }` after calling `next` through its instrumented client, and `GET /leaf` with what it
 * received. A suite builds the chain URL, fetches it and reads the leaf's answer.
 */
import * as assert from 'node:assert';

export interface CallAnswer<Leaf> {
  service: string;
  error?: string;
  downstream?: CallAnswer<Leaf> | Leaf;
}

export async function getJson<Leaf>(url: string, headers: Record<string, string> = {}): Promise<CallAnswer<Leaf>> {
  const res = await fetch(url, { headers });
  return (await res.json()) as CallAnswer<Leaf>;
}

/** `service` calling `next`; `baggage` (`key:value`) is set as baggage by the peers that support it (jaeger-client). */
export function callUrl(service: string, next: string, baggage?: string): string {
  return `${service}/call?next=${encodeURIComponent(next)}${baggage ? `&baggage=${encodeURIComponent(baggage)}` : ''}`;
}

/** What the last service in the chain answered; fails the test with the whole answer when the chain broke. */
export function leafOf<Leaf extends { received: unknown }>(answer: CallAnswer<Leaf>): Leaf {
  let node: unknown = answer;
  while (typeof node === 'object' && node !== null && 'downstream' in node && node.downstream !== undefined) node = node.downstream;
  assert.ok(typeof node === 'object' && node !== null && 'received' in node, `chain broke: ${JSON.stringify(answer)}`);
  return node as Leaf;
}

/** The only item, or undefined while there are none or (wrongly) several: a probe for `waitFor`. */
export function one<T>(items: T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined;
}
