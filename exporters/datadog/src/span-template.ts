/**
 * The encoding of the previous span of the same shape (resource, scope and kind), item by item. A span's
 * encoding is a sequence of items (a map header, a tag, a shared block, a field), each a pure function of an
 * identity and a value; when an item's identity and value equal the template's at the same position, its bytes
 * equal the template's too, and runs of such items are copied at once. Spans of one shape mostly differ in a
 * few values (a path, a statement), so most of a span costs comparisons and a few block copies.
 */
export class SpanTemplate {
  bytes = new Uint8Array(512);
  /** Per item: its identity (a KeyInfo, a TagBlock, a field marker), its value, and its end offset in `bytes`. */
  ids: unknown[] = [];
  values: unknown[] = [];
  ends: number[] = [];
  count = 0;
  /** v0.5 only: the payload whose string-table indices `bytes` holds. */
  epoch = -1;
}
