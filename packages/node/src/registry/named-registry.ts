/** Names are matched trimmed and case-insensitively, as env variables are written by hand. */
export function normaliseName(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * Factories by name, shared by the exporter and propagator registries. `none` and the empty name are reserved:
 * in OTEL_TRACES_EXPORTER / OTEL_PROPAGATORS they mean "nothing". A new registration replaces an old one.
 */
export class NamedRegistry<F> {
  private readonly factories = new Map<string, F>();

  constructor(private readonly kind: string) {}

  register(name: string, factory: F): void {
    const key = normaliseName(name);
    if (key === '' || key === 'none') throw new Error(`polytrace: '${name}' cannot be used as ${this.kind} name`);
    this.factories.set(key, factory);
  }

  get(name: string): F | undefined {
    return this.factories.get(normaliseName(name));
  }

  names(): string[] {
    return [...this.factories.keys()];
  }
}
