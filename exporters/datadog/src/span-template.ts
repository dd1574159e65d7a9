/**
 * The v0.4 writer's span templates. A span's encoding is a sequence of items (a map header, a tag, a shared
 * block, a field), each a pure function of an identity and a value. A template is a span written earlier in the
 * same payload: when an item's identity and value equal the template's at the same position, its bytes equal
 * the template's too, and runs of such items are copied at once from where the template span sits in the
 * payload. Spans of one shape and resource mostly differ in a few values (a path, a port), so most of a span
 * costs comparisons and a few block copies.
 */
import { KeyPlan } from './attribute-keys';
import type { MsgpackWriter } from './msgpack-writer';

export class SpanTemplate {
  /** Where the template span's bytes start in the payload buffer, valid while `generation` is current. */
  at = 0;
  generation = -1;
  /** Per item: its identity, its value, and its end offset from `at`. */
  ids: unknown[] = [];
  values: unknown[] = [];
  ends: number[] = [];
  count = 0;
  /** The span's resource: a shape keeps one template per recent resource. */
  resource = '';
}

const TEMPLATES_PER_SHAPE = 8;

/** Writes one item afresh (the writer knows how, from the item's identity). */
export interface ItemEncoder {
  writeItem(id: unknown, value: unknown): void;
}

/**
 * The items of the span being written (filled by index), written against a template by `writeAgainst`. When the
 * span becomes the template, the two swap their arrays, so nothing is copied or allocated.
 */
export class SpanItems {
  ids: unknown[] = [];
  values: unknown[] = [];
  private ends: number[] = [];

  /**
   * Writes items `[0, n)`: runs of items equal to the template's at the same position are copied from the
   * template span's bytes in one go, the others are written afresh by `encoder`. If any differed, these items
   * become the template. Plain locals in one loop: this runs for every item of every span.
   */
  writeAgainst(w: MsgpackWriter, n: number, tpl: SpanTemplate, encoder: ItemEncoder): void {
    const ids = this.ids;
    const values = this.values;
    const ends = this.ends;
    const tplIds = tpl.ids;
    const tplValues = tpl.values;
    const tplEnds = tpl.ends;
    const count = tpl.count;
    const at = tpl.at;
    const spanStart = w.pos;
    let runFrom = 0;
    let runTo = 0;
    let changed = n !== count;
    for (let i = 0; i < n; i++) {
      if (i < count && tplIds[i] === ids[i] && tplValues[i] === values[i]) {
        const from = i === 0 ? 0 : tplEnds[i - 1];
        if (from !== runTo) {
          if (runTo !== runFrom) w.copyWithin(at + runFrom, at + runTo);
          runFrom = from;
        }
        runTo = tplEnds[i];
      } else {
        if (runTo !== runFrom) w.copyWithin(at + runFrom, at + runTo);
        runFrom = runTo = 0;
        changed = true;
        encoder.writeItem(ids[i], values[i]);
      }
      ends[i] = w.pos - spanStart + (runTo - runFrom);
    }
    if (runTo !== runFrom) w.copyWithin(at + runFrom, at + runTo);
    if (!changed) return;
    tpl.at = spanStart;
    tpl.count = n;
    tpl.ids = ids;
    tpl.values = values;
    tpl.ends = ends;
    this.ids = tplIds;
    this.values = tplValues;
    this.ends = tplEnds;
  }
}

/**
 * Per-shape state of the v0.4 writer (a shape = resource, instrumentation scope and kind): its attribute key
 * plan, and one template per recently seen resource. Spans of one shape and resource (a route, a statement)
 * differ least, so a pool's alternating statements each find their own template.
 */
export class SpanTemplates {
  readonly keyPlan = new KeyPlan();
  private readonly list: SpanTemplate[] = [];
  private next = 0;

  /** The template for `resource` in payload `generation` (a recycled, empty one if none matches). */
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
