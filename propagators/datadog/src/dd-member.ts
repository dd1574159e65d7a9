import type { DatadogState } from './datadog-state';

/**
 * Codec for the value of the W3C tracestate `dd` member: `;`-separated `key:value` pairs
 * (`s:` priority, `o:` origin, `p:` last Datadog parent id, `t.<k>:` trace tag `_dd.p.<k>`),
 * with the character rules of the Datadog spec (datadog.md §1.5).
 */

const TAG_PREFIX = '_dd.p.';
const TID_TAG = '_dd.p.tid';
const DM_TAG = '_dd.p.dm';
/** W3C caps a tracestate value at 256 characters. */
export const MAX_DD_MEMBER_LENGTH = 256;
// A foreign TraceState might hand us anything; never parse more than this.
const MAX_PARSE_LENGTH = 4096;

// Values: printable ASCII minus `,` `;` `~` (and `=` which is written as `~`).
const VALUE_FORBIDDEN = /[^\x20-\x2B\x2D-\x3A\x3C-\x7D]/g;
// Keys: printable ASCII minus space `,` `=` and, unlike dd-trace-js, `;` `:` which would break parsing.
const KEY_FORBIDDEN = /[^\x21-\x2B\x2D-\x39\x3C\x3E-\x7E]/g;
const INTEGER = /^-?[0-9]{1,15}$/;

const NEEDS_VALUE_ESCAPE = /[^\x20-\x2B\x2D-\x3A\x3C\x3E-\x7D]/;

export function escapeDdValue(value: string): string {
  if (!NEEDS_VALUE_ESCAPE.test(value)) return value; // the common case allocates nothing
  return value.replace(VALUE_FORBIDDEN, '_').replace(/=/g, '~');
}

function escapeDdKey(key: string): string {
  return key.replace(KEY_FORBIDDEN, '_');
}

function unescapeDdValue(value: string): string {
  return value.includes('~') ? value.replace(/~/g, '=') : value;
}

/**
 * Encodes the state; `''` when there is nothing to carry. Trace tags that do not fit in `maxLength`
 * (default 256, the W3C cap; less when the caller will append `;p:<span id>` itself) are dropped.
 */
export function encodeDdMember(state: DatadogState, maxLength = MAX_DD_MEMBER_LENGTH): string {
  const head: string[] = [];
  if (state.priority !== undefined && Number.isSafeInteger(state.priority)) head.push(`s:${state.priority}`);
  if (state.parentId !== undefined && state.parentId !== '') head.push(`p:${escapeDdValue(state.parentId)}`);
  if (state.origin !== undefined && state.origin !== '') head.push(`o:${escapeDdValue(state.origin)}`);

  let value = head.join(';');
  if (value.length > maxLength) value = head.slice(0, -1).join(';'); // an absurd origin goes first
  if (value.length > maxLength) value = '';

  const tags = state.tags ?? {};
  const dm = tags[DM_TAG];
  const keys = Object.keys(tags);
  // The decision maker is the most useful tag downstream, so it claims space first.
  if (typeof dm === 'string') value = appendMember(value, 't.dm', dm, maxLength);
  for (const key of keys) {
    if (key === DM_TAG || key === TID_TAG || !key.startsWith(TAG_PREFIX) || key.length === TAG_PREFIX.length) continue;
    const tagValue = tags[key];
    if (typeof tagValue !== 'string') continue;
    value = appendMember(value, `t.${escapeDdKey(key.slice(TAG_PREFIX.length))}`, tagValue, maxLength);
  }
  // W3C values must not end with a space.
  if (value.endsWith(' ')) value = `${value.slice(0, -1)}_`;
  return value;
}

function appendMember(value: string, key: string, rawValue: string, maxLength: number): string {
  const member = `${key}:${escapeDdValue(rawValue)}`;
  const next = value === '' ? member : `${value};${member}`;
  return next.length > maxLength ? value : next;
}

/** Decodes a `dd` member value; unknown keys and malformed members are ignored one by one. */
export function decodeDdMember(value: string): DatadogState {
  const state: DatadogState = { tags: {} };
  if (value.length > MAX_PARSE_LENGTH) return state;
  for (const member of value.split(';')) {
    const colon = member.indexOf(':');
    if (colon <= 0) continue;
    const key = member.slice(0, colon);
    const raw = member.slice(colon + 1);
    if (key === 's') {
      if (INTEGER.test(raw)) state.priority = Number(raw);
    } else if (key === 'o') {
      if (raw !== '') state.origin = unescapeDdValue(raw);
    } else if (key === 'p') {
      // Kept verbatim even when malformed: the backend, not us, decides what to do with it.
      if (raw !== '') state.parentId = raw;
    } else if (key === 't.dm') {
      // Normalise `4` or `-4` to the `-<mechanism>` form (other tracers forget the hyphen).
      if (INTEGER.test(raw)) state.tags[DM_TAG] = `-${Math.abs(Number(raw))}`;
    } else if (key.startsWith('t.') && key.length > 2 && key !== 't.tid') {
      // t.tid is ignored on purpose: the 128-bit trace id itself is authoritative.
      state.tags[TAG_PREFIX + key.slice(2)] = unescapeDdValue(raw);
    }
  }
  return state;
}
