import type { ZipkinSpan } from './model';

export type ZipkinFormat = 'json-v2' | 'proto3' | 'json-v1' | 'thrift-v1';

/** Something wrong with one span: it was either repaired (e.g. upper-case id lower-cased) or dropped. */
export interface DecodeIssue {
  /** index of the span in the posted list */
  index: number;
  action: 'repaired' | 'dropped';
  message: string;
}

export interface DecodeResult {
  format: ZipkinFormat;
  spans: ZipkinSpan[];
  /** every repair or drop; a Zipkin server would have rejected the whole batch for any of them */
  issues: DecodeIssue[];
}

/** The body cannot be decoded at all (or, in strict mode, one span is invalid): answer 400 with `message`. */
export class ZipkinDecodeError extends Error {
  override readonly name = 'ZipkinDecodeError';
}

/** Thrown inside a span reader to drop that span; caught per span by the list decoders. */
export class InvalidSpan extends Error {}

export interface DecodeOptions {
  /**
   * Zipkin parity: any span a Zipkin server would reject fails the whole batch (ZipkinDecodeError). Default false:
   * repair what is unambiguous, drop what is not, keep the rest.
   */
  strict?: boolean;
}

/** Collects issues for one span; in strict mode the first one fails the batch. */
export class IssueSink {
  readonly issues: DecodeIssue[] = [];
  index = 0;
  constructor(private readonly strict: boolean) {}

  repaired(message: string): void {
    if (this.strict) throw new ZipkinDecodeError(`span ${this.index}: ${message}`);
    this.issues.push({ index: this.index, action: 'repaired', message });
  }

  dropped(message: string): void {
    if (this.strict) throw new ZipkinDecodeError(`span ${this.index}: ${message}`);
    this.issues.push({ index: this.index, action: 'dropped', message });
  }
}
