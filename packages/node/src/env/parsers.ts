/** Small, total parsers for environment values: each returns a value or a reason, never throws. */

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

export function parseInteger(raw: string, min: number, max = Number.MAX_SAFE_INTEGER): Parsed<number> {
  const text = raw.trim();
  if (!/^[+]?\d+$/.test(text)) return bad(`expected a whole number from ${min} to ${max}`);
  const value = Number(text);
  return value >= min && value <= max ? ok(value) : bad(`expected a whole number from ${min} to ${max}`);
}

export function parseRatio(raw: string): Parsed<number> {
  const text = raw.trim();
  const value = text === '' ? NaN : Number(text);
  return Number.isFinite(value) && value >= 0 && value <= 1 ? ok(value) : bad('expected a number from 0 to 1');
}

export function parseBoolean(raw: string): Parsed<boolean> {
  const text = raw.trim().toLowerCase();
  if (text === 'true' || text === '1') return ok(true);
  if (text === 'false' || text === '0') return ok(false);
  return bad('expected true or false');
}

/** Comma-separated list, trimmed and lower-cased, empty entries dropped. */
export function parseNameList(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
}

/**
 * `key=value,key2=value2` as in OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS, values
 * percent-decoded (W3C Baggage octets). Valid pairs are kept; the malformed ones are reported.
 */
export function parseKeyValueList(raw: string): { values: Record<string, string>; invalid: string[] } {
  const values: Record<string, string> = {};
  const invalid: string[] = [];
  for (const entry of raw.split(',')) {
    if (entry.trim() === '') continue;
    const eq = entry.indexOf('=');
    const key = eq > 0 ? entry.slice(0, eq).trim() : '';
    if (key === '') {
      invalid.push(entry.trim());
      continue;
    }
    const decoded = safeDecode(entry.slice(eq + 1).trim());
    if (decoded === undefined) invalid.push(entry.trim());
    else values[key] = decoded;
  }
  return { values, invalid };
}

/** DD_TAGS: `k:v,k2:v2`, or space-separated when there is no comma (dd-trace's rule). */
export function parseDatadogTags(raw: string): { values: Record<string, string>; invalid: string[] } {
  const values: Record<string, string> = {};
  const invalid: string[] = [];
  const entries = raw.includes(',') ? raw.split(',') : raw.split(/\s+/);
  for (const entry of entries) {
    const text = entry.trim();
    if (text === '') continue;
    const colon = text.indexOf(':');
    if (colon <= 0) {
      invalid.push(text);
      continue;
    }
    values[text.slice(0, colon).trim()] = text.slice(colon + 1).trim();
  }
  return { values, invalid };
}

export function parseUrl(raw: string, protocols: readonly string[]): Parsed<URL> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return bad(`expected a URL (${protocols.join(', ')})`);
  }
  return protocols.includes(url.protocol) ? ok(url) : bad(`expected a URL with scheme ${protocols.join(', ')}`);
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
