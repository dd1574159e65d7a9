/**
 * The Zipkin v2 span model (zipkin2-api.yaml, zipkin.proto). Canonical form, as our encoders write it and our
 * decoders return it: lower-hex ids (trace id 16 or 32 chars, 16 when the high half is zero; span ids 16 chars),
 * integer microseconds, absent fields left `undefined` rather than zero/empty.
 */
export type ZipkinKind = 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';

export interface ZipkinEndpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

export interface ZipkinAnnotation {
  /** epoch microseconds */
  timestamp: number;
  value: string;
}

export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: ZipkinKind;
  /** epoch microseconds of the start */
  timestamp?: number;
  /** microseconds, at least 1 */
  duration?: number;
  debug?: boolean;
  shared?: boolean;
  localEndpoint?: ZipkinEndpoint;
  remoteEndpoint?: ZipkinEndpoint;
  annotations?: ZipkinAnnotation[];
  tags?: Record<string, string>;
}

export const ZIPKIN_KINDS: readonly ZipkinKind[] = ['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'];
