/**
 * A connection URL fit for an error message: the password (and, unless `keepUsername`, the user name) removed;
 * undefined when it does not parse, so the caller says which setting is malformed.
 */
export function redactedUrl(url: string, keepUsername = false): string | undefined {
  try {
    const parsed = new URL(url);
    if (!keepUsername) parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return undefined;
  }
}
