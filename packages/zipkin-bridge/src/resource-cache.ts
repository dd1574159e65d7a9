import type { Attributes } from '@opentelemetry/api';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';

/**
 * One `Resource` instance per distinct attribute set: the OTLP transformer groups spans by Resource *identity*,
 * so a fresh object per span would make every span its own ResourceSpans. Bounded: cleared when full.
 */
export class ResourceCache {
  private readonly byService = new Map<string, Resource>();
  private readonly byAttributes = new Map<string, Resource>();
  constructor(private readonly maxEntries = 1024) {}

  /** The Resource of `service.name` plus any other resource attributes a span's tags carried. */
  get(serviceName: string, extra: Attributes | undefined): Resource {
    if (extra === undefined) return this.cached(this.byService, serviceName, () => resourceFromAttributes({ 'service.name': serviceName }));
    let key = serviceName;
    for (const k of Object.keys(extra).sort()) key += `\u0000${k}\u0001${String(extra[k])}`;
    return this.cached(this.byAttributes, key, () => resourceFromAttributes({ 'service.name': serviceName, ...extra }));
  }

  private cached(map: Map<string, Resource>, key: string, create: () => Resource): Resource {
    let resource = map.get(key);
    if (resource === undefined) {
      if (map.size >= this.maxEntries) map.clear();
      resource = create();
      map.set(key, resource);
    }
    return resource;
  }
}
