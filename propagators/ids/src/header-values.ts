function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** A header value without its optional whitespace (RFC 9110 OWS: spaces and tabs); the same string when it has none. */
export function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isOws(value.charCodeAt(start))) start++;
  while (end > start && isOws(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}
