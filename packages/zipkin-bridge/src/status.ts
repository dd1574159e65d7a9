import { SpanStatusCode, type SpanStatus } from '@opentelemetry/api';

const STATUS_CODES: Record<string, SpanStatusCode> = {
  OK: SpanStatusCode.OK,
  ERROR: SpanStatusCode.ERROR,
  UNSET: SpanStatusCode.UNSET,
  STATUS_CODE_OK: SpanStatusCode.OK,
  STATUS_CODE_ERROR: SpanStatusCode.ERROR,
  STATUS_CODE_UNSET: SpanStatusCode.UNSET,
};

export interface StatusTags {
  code?: string;
  description?: string;
  error?: string;
}

export interface StatusResult {
  status: SpanStatus;
  /** the tags that were not interpreted and stay span attributes */
  keep: StatusTags;
}

/**
 * Status from Zipkin tags (spec §4.1, vectors Z02–Z07):
 * - `otel.status_code` in any case, spec values (`OK`/`ERROR`) and the Collector's (`STATUS_CODE_*`), consumed;
 * - `error: "true"` → ERROR, consumed; `error: "false"` → not an error, consumed;
 * - any other `error` value (even empty) → ERROR with that message, kept for parity with Zipkin UIs.
 */
export function statusFromTags(tags: StatusTags): StatusResult {
  const keep: StatusTags = {};
  let code: SpanStatusCode = SpanStatusCode.UNSET;
  let message = tags.description;
  if (tags.code !== undefined) {
    const mapped = STATUS_CODES[tags.code.toUpperCase()];
    if (mapped === undefined) keep.code = tags.code;
    else code = mapped;
  }
  const error = tags.error;
  if (error === 'true') code = SpanStatusCode.ERROR;
  else if (error !== undefined && error !== 'false') {
    code = SpanStatusCode.ERROR;
    keep.error = error;
    if (error !== '') message = error;
  }
  if (code !== SpanStatusCode.ERROR) return { status: { code }, keep };
  return { status: message === undefined ? { code } : { code, message }, keep };
}
