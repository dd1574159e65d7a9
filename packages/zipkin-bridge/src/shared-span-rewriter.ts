import { createHash } from 'node:crypto';
import type { ZipkinSpan } from '@polytrace/exporter-zipkin';
import { TtlCache } from './ttl-cache';

export interface SharedSpanOptions {
  /** how long a CLIENT span id and a rewrite are remembered at least (at most twice that; default 10 min) */
  ttlMillis?: number;
  /** cap on remembered ids, each cache (default 100 000) */
  maxEntries?: number;
}

/** Deterministic, so a retried POST yields the same ids: the first 8 bytes of SHA-256(traceId, id, "server"). */
export function serverSpanId(traceId: string, id: string): string {
  for (let salt = 0; ; salt++) {
    const candidate = createHash('sha256').update(`${traceId}:${id}:server${salt === 0 ? '' : `:${salt}`}`).digest('hex').slice(0, 16);
    if (!/^0+$/.test(candidate) && candidate !== id) return candidate;
  }
}

const service = (span: ZipkinSpan): string => span.localEndpoint?.serviceName ?? '';

/**
 * Zipkin lets a server span reuse its caller's span id (`shared`); OTel backends need unique ids (spec §4.4).
 * A SERVER span that is `shared`, or whose id was seen on a CLIENT span, gets a new deterministic id and the
 * shared id as its parent; later spans of the same service parented on the shared id are re-parented to it.
 * A child that arrives in an earlier POST than its shared server span is handled by `ChildHold`, which holds it
 * until its parent arrives and then calls `reparent`.
 */
export class SharedSpanRewriter {
  private readonly clientIds: TtlCache<true>;
  private readonly rewrites: TtlCache<string>;

  constructor(options: SharedSpanOptions = {}) {
    const ttl = options.ttlMillis ?? 10 * 60_000;
    const max = options.maxEntries ?? 100_000;
    this.clientIds = new TtlCache(ttl, max);
    this.rewrites = new TtlCache(ttl, max);
  }

  /** How many ids are remembered (both caches), for tests and diagnostics. */
  rememberedIds(): number {
    return this.clientIds.size + this.rewrites.size;
  }

  /** Returns the batch with shared server spans re-identified (new objects; the input is not mutated). */
  rewrite(spans: readonly ZipkinSpan[], now = Date.now()): ZipkinSpan[] {
    for (const span of spans) if (span.kind === 'CLIENT') this.clientIds.set(`${span.traceId}:${span.id}`, true, now);
    // First every server in the batch, so that children listed before their server are re-parented too.
    const out = spans.map((span) => {
      if (span.kind !== 'SERVER' || !(span.shared || this.clientIds.get(`${span.traceId}:${span.id}`, now))) return span;
      const newId = serverSpanId(span.traceId, span.id);
      this.rewrites.set(`${span.traceId}:${service(span)}:${span.id}`, newId, now);
      const tags: Record<string, string> = { ...span.tags, 'zipkin.original_span_id': span.id };
      if (span.shared) tags['zipkin.shared'] = 'true';
      const rewritten: ZipkinSpan = { ...span, id: newId, parentId: span.id, tags };
      delete rewritten.shared;
      return rewritten;
    });
    return out.map((span) => this.reparent(span, now));
  }

  /** The span parented on its shared server's new id, if its parent is a shared id rewritten for its service. */
  reparent(span: ZipkinSpan, now = Date.now()): ZipkinSpan {
    if (span.parentId === undefined || span.tags?.['zipkin.original_span_id'] === span.parentId) return span;
    const newParent = this.rewrites.get(`${span.traceId}:${service(span)}:${span.parentId}`, now);
    return newParent === undefined ? span : { ...span, parentId: newParent };
  }
}
