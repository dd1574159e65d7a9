import { hexClass } from './hex';

/**
 * `x-datadog-tags`: `_dd.p.k=v(,_dd.p.k=v)*`, validated all-or-nothing (datadog.md §1.3): a single
 * bad member discards the whole header, except a malformed `_dd.p.tid` which is dropped alone.
 */

export const DEFAULT_TAGS_MAX_LENGTH = 512;
export const TID_TAG = '_dd.p.tid';
const TAG_PREFIX = '_dd.p.';

const TAG_KEY = /^_dd\.p\.[\x21-\x2B\x2D-\x7E]+$/;
const TAG_VALUE = /^[\x20-\x2B\x2D-\x7E]*$/;
const ZERO_TID = '0000000000000000';

export interface ParsedDatadogTags {
  /** `_dd.p.*` tags in header order, without `_dd.p.tid`. */
  tags: Record<string, string>;
  /** Upper 64 bits of the trace id, 16 lower-case hex, when a valid non-zero `_dd.p.tid` was present. */
  tid?: string;
}

// The same header arrives over and over (a service's decision maker, the root's second-granular tid),
// so results are memoised in a small bounded map. They are frozen: states share them.
const parsedHeaders = new Map<string, ParsedDatadogTags | null>();
const MAX_MEMOISED = 256;

/**
 * Parses the header; `undefined` when it is absent, too long (`maxLength` 0 disables) or invalid.
 * The result is shared and frozen.
 */
export function parseDatadogTags(header: string | undefined, maxLength: number): ParsedDatadogTags | undefined {
  if (header === undefined || header === '' || maxLength <= 0 || header.length > maxLength) return undefined;
  let parsed = parsedHeaders.get(header);
  if (parsed === undefined) {
    const fresh = parseHeader(header);
    parsed = fresh === undefined ? null : Object.freeze({ tags: Object.freeze(fresh.tags), tid: fresh.tid });
    if (parsedHeaders.size >= MAX_MEMOISED) parsedHeaders.clear();
    parsedHeaders.set(header, parsed);
  }
  return parsed ?? undefined;
}

function parseHeader(header: string): ParsedDatadogTags | undefined {
  // A hand-written scan (this runs on every request): same grammar as TAG_KEY / TAG_VALUE.
  const result: ParsedDatadogTags = { tags: {} };
  const length = header.length;
  let start = 0;
  for (;;) {
    let end = header.indexOf(',', start);
    if (end === -1) end = length;
    const eq = header.indexOf('=', start);
    // The key is `_dd.p.` plus at least one character, up to the first '=' (values may hold more).
    if (eq === -1 || eq >= end || eq - start <= TAG_PREFIX.length || !header.startsWith(TAG_PREFIX, start)) return undefined;
    for (let i = start + TAG_PREFIX.length; i < eq; i++) {
      const c = header.charCodeAt(i);
      if (c < 0x21 || c > 0x7e) return undefined;
    }
    for (let i = eq + 1; i < end; i++) {
      const c = header.charCodeAt(i);
      if (c < 0x20 || c > 0x7e) return undefined;
    }
    const key = header.slice(start, eq);
    const value = header.slice(eq + 1, end);
    if (key === TID_TAG) {
      const kind = value.length === 16 ? hexClass(value, 0, 16) : 0;
      if (kind !== 0 && value !== ZERO_TID) result.tid = kind === 1 ? value : value.toLowerCase();
    } else {
      result.tags[key] = value;
    }
    if (end === length) return result;
    start = end + 1;
  }
}

/**
 * Serialises `_dd.p.tid` (if given) then the `_dd.p.*` tags with non-empty values; `undefined` when
 * there is nothing to send, any tag is invalid, or the result would exceed `maxLength`.
 */
export function serializeDatadogTags(tags: Record<string, string>, tid: string | undefined, maxLength: number): string | undefined {
  if (maxLength <= 0) return undefined;
  let out = tid === undefined ? '' : `${TID_TAG}=${tid}`;
  for (const key in tags) {
    if (key === TID_TAG || !key.startsWith('_dd.p.')) continue;
    const value = tags[key];
    if (typeof value !== 'string' || value === '') continue;
    if (!TAG_KEY.test(key) || !TAG_VALUE.test(value)) return undefined;
    out = out === '' ? `${key}=${value}` : `${out},${key}=${value}`;
    if (out.length > maxLength) return undefined;
  }
  return out === '' || out.length > maxLength ? undefined : out;
}
