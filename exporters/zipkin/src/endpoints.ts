import { SpanKind, type AttributeValue, type Attributes } from '@opentelemetry/api';
import { isIPv4, isIPv6 } from 'node:net';
import * as tagValue from './tag-value';
import type { ZipkinEndpoint } from './model';

// Bound once: under tsx (tests and benchmarks run from source) each use of an imported name is a chain of getters.
const { attributeToTag } = tagValue;

/**
 * remoteEndpoint.serviceName candidates for CLIENT/PRODUCER spans, best first (OTel spec sdk_exporters/zipkin.md
 * "Remote endpoint"); `peer.service` (rank 0) applies to every kind. The other tables rank the attributes that may
 * hold the peer's IP literal and port.
 */
function serviceRank(key: string): number {
  switch (key) {
    case 'peer.service': return 0;
    case 'server.address': return 1;
    case 'net.peer.name': return 2;
    case 'network.peer.address': return 3;
    case 'server.socket.domain': return 4;
    case 'server.socket.address': return 5;
    case 'net.sock.peer.name': return 6;
    case 'net.sock.peer.addr': return 7;
    case 'peer.hostname': return 8;
    case 'peer.address': return 9;
    case 'db.name': return 10;
    default: return -1;
  }
}

function ipRank(key: string): number {
  switch (key) {
    case 'net.peer.ip': return 0;
    case 'network.peer.address': return 1;
    case 'net.sock.peer.addr': return 2;
    case 'server.socket.address': return 3;
    default: return -1;
  }
}

function portRank(key: string): number {
  switch (key) {
    case 'net.peer.port': return 0;
    case 'network.peer.port': return 1;
    case 'net.sock.peer.port': return 2;
    case 'server.socket.port': return 3;
    default: return -1;
  }
}

function setIp(endpoint: ZipkinEndpoint, value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (isIPv4(value)) endpoint.ipv4 = value;
  else if (isIPv6(value)) endpoint.ipv6 = value;
  else return false;
  return true;
}

function isIp(value: unknown): boolean {
  return typeof value === 'string' && (isIPv4(value) || isIPv6(value));
}

function toPort(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= 65535 ? n : undefined;
}

/**
 * One pass over the attributes present (not ~20 lookups of absent keys), keeping per field the best-ranked candidate
 * that is usable (a valid IP literal, a valid port): the same result as trying them in rank order, without sorting
 * or allocating.
 */
export function remoteEndpoint(kind: SpanKind, attributes: Attributes): ZipkinEndpoint | undefined {
  const outgoing = kind === SpanKind.CLIENT || kind === SpanKind.PRODUCER;
  let service: string | undefined;
  let serviceAt = 99;
  let ip: string | undefined;
  let ipAt = 99;
  let port: number | undefined;
  let portAt = 99;
  let clientAddress: AttributeValue | undefined;
  let serverPort: AttributeValue | undefined;
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined) continue;
    const s = serviceRank(key);
    if (s >= 0 && s < serviceAt && (s === 0 || outgoing)) {
      const name = attributeToTag(value);
      if (name) {
        service = name;
        serviceAt = s;
      }
    }
    const i = ipRank(key);
    if (i >= 0 && i < ipAt && isIp(value)) {
      ip = value as string;
      ipAt = i;
    }
    const p = portRank(key);
    if (p >= 0 && p < portAt) {
      const n = toPort(value);
      if (n !== undefined) {
        port = n;
        portAt = p;
      }
    }
    if (key === 'client.address') clientAddress = value;
    else if (key === 'server.port') serverPort = value;
  }
  if (ip === undefined && kind === SpanKind.SERVER && isIp(clientAddress)) ip = clientAddress as string;
  if (port === undefined && outgoing) port = toPort(serverPort);
  if (service === undefined && ip === undefined && port === undefined) return undefined;
  const endpoint: ZipkinEndpoint = {};
  if (service !== undefined) endpoint.serviceName = service;
  if (ip !== undefined) setIp(endpoint, ip);
  if (port !== undefined) endpoint.port = port;
  return endpoint;
}

/** The local endpoint: the service name plus, when instrumentation recorded them, the host's IP and port. */
export function localEndpoint(serviceName: string, attributes: Attributes): ZipkinEndpoint {
  const endpoint: ZipkinEndpoint = { serviceName };
  const ip = attributes['net.host.ip'];
  if (ip !== undefined) setIp(endpoint, ip);
  const portValue = attributes['net.host.port'];
  if (portValue !== undefined) {
    const p = toPort(portValue);
    if (p !== undefined) endpoint.port = p;
  }
  return endpoint;
}
