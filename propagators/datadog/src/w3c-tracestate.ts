/**
 * Just enough of the W3C tracestate grammar to read and rebuild a list without going through
 * `@opentelemetry/core`'s TraceState parser on the hot path. Same rules as that parser: members
 * trimmed, invalid ones skipped, at most 32 members and 512 characters kept, in header order.
 */

export const MAX_MEMBERS = 32;
export const MAX_LENGTH = 512;

const VALID_KEY = /^(?:[a-z][_0-9a-z\-*/]{0,255}|[a-z0-9][_0-9a-z\-*/]{0,240}@[a-z][_0-9a-z\-*/]{0,13})$/;
const VALID_VALUE = /^[ -~]{0,255}[!-~]$/;
const COMMA_OR_EQUAL = /[,=]/;

export function isValidKey(key: string): boolean {
  return VALID_KEY.test(key);
}

export function isValidValue(value: string): boolean {
  return VALID_VALUE.test(value) && !COMMA_OR_EQUAL.test(value);
}

/**
 * The valid members of a raw tracestate as `key=value` strings, in order, within the W3C limits,
 * leaving out `excludeKey`. Duplicate keys keep the last value at the first position (as OTel does).
 */
export function validMembers(raw: string, excludeKey: string): string[] {
  const out: string[] = [];
  const index = new Map<string, number>();
  let length = 0;
  for (const part of raw.split(',')) {
    const member = part.trim();
    const eq = member.indexOf('=');
    if (eq <= 0) continue;
    const key = member.slice(0, eq);
    if (key === excludeKey || !isValidKey(key) || !isValidValue(member.slice(eq + 1))) continue;
    const seen = index.get(key);
    if (seen !== undefined) {
      out[seen] = member;
      continue;
    }
    const next = length + member.length + (out.length > 0 ? 1 : 0);
    if (next > MAX_LENGTH) continue;
    index.set(key, out.length);
    out.push(member);
    length = next;
    if (out.length >= MAX_MEMBERS) break;
  }
  return out;
}

/**
 * The value of member `key` in a raw tracestate exactly as OTel's parser would report it, found with
 * a plain scan. `null` when the fast scan cannot be sure (list too long or too many members).
 */
export function findMemberValue(raw: string, key: string): string | undefined | null {
  if (raw.length > MAX_LENGTH) return null;
  const prefix = `${key}=`;
  let found: string | undefined;
  let members = 0;
  let start = 0;
  while (start <= raw.length) {
    let end = raw.indexOf(',', start);
    if (end === -1) end = raw.length;
    if (++members > MAX_MEMBERS) return null;
    const member = raw.slice(start, end).trim();
    if (member.startsWith(prefix)) {
      const value = member.slice(prefix.length);
      if (isValidValue(value)) found = value;
    }
    start = end + 1;
  }
  return found;
}
