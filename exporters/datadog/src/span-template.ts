/**
 * The previous span of the same shape (resource, scope and kind) in the payload being written, item by item.
 * A span's encoding is a sequence of items (a map header, a tag, a shared block, a field), each a pure
 * function of an identity and a value; when an item's identity and value equal the template's at the same
 * position, its bytes equal the template's too, and runs of such items are copied at once from where the
 * template span sits in the payload. Spans of one shape mostly differ in a few values (a path, a statement),
 * so most of a span costs comparisons and a few block copies.
 */
export class SpanTemplate {
  /** Where the template span's bytes start in the payload buffer, valid while `generation` is current. */
  at = 0;
  generation = -1;
  /** Per item: its identity (a KeyInfo, a TagBlock, a field marker), its value, and its end offset from `at`. */
  ids: unknown[] = [];
  values: unknown[] = [];
  ends: number[] = [];
  count = 0;
  /** The span's resource: a shape keeps one template per recent resource (see `SpanTemplates`). */
  resource = '';
}

const TEMPLATES_PER_SHAPE = 8;

/**
 * The templates of one shape, one per recently seen resource: spans of one shape and resource (a route, a
 * statement) differ least, so a pool's alternating statements each find their own template.
 */
export class SpanTemplates {
  private readonly list: SpanTemplate[] = [];
  private next = 0;

  /** The template for `resource` (a recycled one if none matches; its `count` is then 0). */
  select(resource: string, generation: number): SpanTemplate {
    const list = this.list;
    for (let i = 0; i < list.length; i++) {
      const t = list[i];
      if (t.resource === resource && t.generation === generation) return t;
    }
    let t: SpanTemplate;
    if (list.length < TEMPLATES_PER_SHAPE) list.push((t = new SpanTemplate()));
    else {
      t = list[this.next];
      this.next = (this.next + 1) % TEMPLATES_PER_SHAPE;
    }
    t.resource = resource;
    t.generation = generation;
    t.count = 0;
    return t;
  }
}
