/** Pure redaction rules for span attributes: secrets never leave the process by default. */

export const REDACTED = 'REDACTED';

/**
 * A query parameter is sensitive when its name (split on `-`, `_`, `.` or camelCase) contains one of
 * these words, so `token`, `access_token`, `apiKey`, `X-Amz-Signature`, `client_secret`, `sig`… all are.
 * Over-redacting a harmless `sortKey` is the accepted price of never leaking an `api_key`.
 */
const SENSITIVE_WORDS = new Set([
  'token', 'key', 'apikey', 'password', 'passwd', 'pwd', 'pass', 'secret', 'signature', 'sig', 'auth',
  'authorization', 'credential', 'credentials', 'session', 'sessionid', 'jwt', 'code', 'awsaccesskeyid',
]);

export function isSensitiveParam(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s._-]+/);
  return words.some((w) => SENSITIVE_WORDS.has(w)) || SENSITIVE_WORDS.has(name.toLowerCase());
}

const SENSITIVE_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-auth-token']);

export function isSensitiveHeader(name: string): boolean {
  return SENSITIVE_HEADERS.has(name.toLowerCase().replace(/_/g, '-'));
}

/** Redacts sensitive parameter values of a raw query string (no leading `?`), keeping everything else byte for byte. */
export function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      if (eq < 0 || !isSensitiveParam(safeDecode(rawName))) return pair;
      return `${rawName}=${REDACTED}`;
    })
    .join('&');
}

/**
 * Removes userinfo and redacts sensitive query values in an absolute URL or a path with a query
 * (`http.target`). Anything unparseable is returned with the same rules applied textually.
 */
export function redactUrl(value: string): string {
  let result = value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1');
  const q = result.indexOf('?');
  if (q >= 0) {
    const hash = result.indexOf('#', q);
    const end = hash < 0 ? result.length : hash;
    result = result.slice(0, q + 1) + redactQuery(result.slice(q + 1, end)) + result.slice(end);
  }
  return result;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
