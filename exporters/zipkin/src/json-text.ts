/**
 * JSON string literals for an encoder that builds its output as one JS string (V8 concatenates by reference, so
 * appending is cheap, and a single UTF-8 conversion at the end beats writing byte by byte from JS).
 */

/** What `JSON.stringify` would escape (quote, backslash, controls) plus any surrogate, lone ones being escaped. */
const NEEDS_ESCAPE = /["\\\x00-\x1f\ud800-\udfff]/;

/** False when `"${text}"` is already the JSON literal of `text`. */
export function needsEscape(text: string): boolean {
  return NEEDS_ESCAPE.test(text);
}

/** `text` as a JSON string literal, exactly as `JSON.stringify(text)` writes it; most strings need no escaping. */
export function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/**
 * `text`, flattened: a memoised fragment built by concatenation is a tree of pieces (a V8 cons string), and the
 * native UTF-8 write of each span re-walks every piece of every fragment it contains (three to seven per tag: half
 * the encoder's time). Flattened once when memoised, a fragment costs the write one piece. Reading a character is
 * what makes V8 flatten a string in place; the comparison only keeps the read from being optimised away.
 */
export function flat(text: string): string {
  return text.length === 0 || text.charCodeAt(0) !== -1 ? text : '';
}

/**
 * Per-key fragments (such as `"key":`), memoised: attribute keys repeat on every span. Cleared when full so that
 * high-cardinality keys cost a rebuild, never unbounded memory.
 */
export class KeyFragments<T> {
  private readonly entries = new Map<string, T>();

  constructor(
    /** `prefix` is the key as a JSON literal followed by `:` */
    private readonly build: (key: string, prefix: string) => T,
    private readonly maxEntries = 2048,
  ) {}

  get(key: string): T {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      entry = this.build(key, flat(`${jsonString(key)}:`));
      this.entries.set(key, entry);
    }
    return entry;
  }
}
