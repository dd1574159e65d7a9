/**
 * The `http.url` alias built from stable-semconv parts (`url.scheme`, `server.address`, `server.port`, `url.path`,
 * `url.query`). A server sees the same URL span after span: returning the very string object built last time
 * saves the concatenation, and lets the payload writers recognise the value by identity (no flattening or
 * hashing of a fresh string per span).
 */
import type { AttributeValue } from '@opentelemetry/api';
import * as limits from './limits';

const truncateMetaValue = limits.truncateMetaValue;

export class HttpUrlBuilder {
  private scheme: AttributeValue | undefined = undefined;
  private address: AttributeValue | undefined = undefined;
  private port: AttributeValue | undefined = undefined;
  private path: AttributeValue | undefined = undefined;
  private query: AttributeValue | undefined = undefined;
  private last = '';

  /** `scheme://address[:port]path[?query]` (scheme defaults to `http`), truncated to the meta value limit. */
  build(
    scheme: AttributeValue | undefined, address: AttributeValue, port: AttributeValue | undefined,
    path: AttributeValue, query: AttributeValue | undefined,
  ): string {
    if (path === this.path && address === this.address && port === this.port && scheme === this.scheme && query === this.query) {
      return this.last;
    }
    const portPart = port !== undefined ? `:${port}` : '';
    const queryPart = query ? `?${query}` : '';
    this.last = truncateMetaValue(`${scheme ?? 'http'}://${address}${portPart}${path}${queryPart}`);
    this.scheme = scheme;
    this.address = address;
    this.port = port;
    this.path = path;
    this.query = query;
    return this.last;
  }
}
