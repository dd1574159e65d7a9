import * as assert from 'node:assert';
import { SharedSpanRewriter } from '@polytrace/zipkin-bridge';

const T = '64fe8b2a57d3eff7';
const client = (id: string) => ({ traceId: T, id, kind: 'CLIENT' as const, localEndpoint: { serviceName: 'a' } });
const server = (id: string) => ({ traceId: T, id, kind: 'SERVER' as const, localEndpoint: { serviceName: 'b' } });

describe('shared-span memory (bounded TTL cache)', () => {
  it('remembers a client span id for at least the TTL and forgets it after twice the TTL', () => {
    const rewriter = new SharedSpanRewriter({ ttlMillis: 1000, maxEntries: 100 });
    rewriter.rewrite([client('aaaaaaaaaaaaaaaa')], 0);
    assert.notStrictEqual(rewriter.rewrite([server('aaaaaaaaaaaaaaaa')], 999)[0].id, 'aaaaaaaaaaaaaaaa');
    rewriter.rewrite([client('bbbbbbbbbbbbbbbb')], 1000);
    assert.notStrictEqual(rewriter.rewrite([server('bbbbbbbbbbbbbbbb')], 1999)[0].id, 'bbbbbbbbbbbbbbbb', 'still known within the TTL');
    assert.strictEqual(rewriter.rewrite([server('bbbbbbbbbbbbbbbb')], 3000)[0].id, 'bbbbbbbbbbbbbbbb', 'forgotten after 2×TTL');
  });

  it('keeps at most maxEntries ids however many arrive', () => {
    const rewriter = new SharedSpanRewriter({ ttlMillis: 60_000, maxEntries: 100 });
    for (let i = 1; i <= 10_000; i++) rewriter.rewrite([client(i.toString(16).padStart(16, '0'))], 0);
    assert.strictEqual(rewriter.rewrite([server((10_000).toString(16).padStart(16, '0'))], 0)[0].parentId, (10_000).toString(16).padStart(16, '0'), 'the newest ids are remembered');
    assert.strictEqual(rewriter.rewrite([server('0000000000000001')], 0)[0].id, '0000000000000001', 'the oldest were evicted');
    assert.ok(rewriter.rememberedIds() <= 100);
  });
});
