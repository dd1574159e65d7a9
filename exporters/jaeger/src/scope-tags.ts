import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ThriftWriter } from './thrift/thrift-writer';
import { createWriter, type ThriftProtocol } from './thrift/writers';

type InstrumentationScope = ReadableSpan['instrumentationScope'];

/** The encoded scope tags of one instrumentation scope: `count` Tag structs, back to back. */
export interface ScopeTags {
  readonly name: string;
  readonly version: string | undefined;
  readonly count: number;
  readonly bytes: Uint8Array;
}

/**
 * `otel.scope.name`/`.version` (+ the legacy `otel.library.*` aliases) are the same 2–4 tags on every span of a
 * tracer, and the SDK hands all of a tracer's spans the same scope object: they are encoded once per scope and
 * copied. Keyed weakly by the scope object, so it holds no more than the live tracers; an entry is re-checked
 * against the scope's name and version, so a mutated or look-alike scope object never gets stale bytes.
 */
export class ScopeTagsCache {
  private readonly byScope = new WeakMap<InstrumentationScope, ScopeTags>();
  private readonly writer: ThriftWriter;

  constructor(
    protocol: ThriftProtocol,
    private readonly legacyLibraryTags: boolean,
  ) {
    this.writer = createWriter(protocol, 256);
  }

  /** The scope's tags, or undefined for a scope without a name (no tags at all). */
  get(scope: InstrumentationScope | undefined): ScopeTags | undefined {
    if (!scope || !scope.name) return undefined;
    const version = scope.version ? scope.version : undefined;
    const cached = this.byScope.get(scope);
    if (cached !== undefined && cached.name === scope.name && cached.version === version) return cached;
    const fresh = this.encode(scope.name, version);
    this.byScope.set(scope, fresh);
    return fresh;
  }

  private encode(name: string, version: string | undefined): ScopeTags {
    const w = this.writer;
    w.reset();
    w.tagString('otel.scope.name', name);
    if (version !== undefined) w.tagString('otel.scope.version', version);
    if (this.legacyLibraryTags) {
      w.tagString('otel.library.name', name);
      if (version !== undefined) w.tagString('otel.library.version', version);
    }
    const count = (version !== undefined ? 2 : 1) * (this.legacyLibraryTags ? 2 : 1);
    return { name, version, count, bytes: w.slice() };
  }
}
