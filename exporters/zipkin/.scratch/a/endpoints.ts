import { SpanKind, type AttributeValue, type Attributes } from '@opentelemetry/api';
import { isIPv4, isIPv6 } from 'node:net';
import { attributeToTag } from './tag-value';
import type { ZipkinEndpoint } from './model';

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

function toPort(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= 65535 ? n : undefined;
}

/** Best candidate per field, found in one pass over the attributes present (not ~20 lookups of absent keys). */
class Candidates {
  service: string | undefined;
  serviceAt = 99;
  ips: [number, AttributeValue][] = [];
  ports: [number, AttributeValue][] = [];
  clientAddress: AttributeValue | undefined;
  serverPort: AttributeValue | undefined;
}

export function remoteEndpoint(kind: SpanKind, attributes: Attributes): ZipkinEndpoint | undefined {
  const outgoing = kind === SpanKind.CLIENT || kind === SpanKind.PRODUCER;
  const c = new Candidates();
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined) continue;
    const s = serviceRank(key);
    if (s >= 0 && s < c.serviceAt && (s === 0 || outgoing)) {
      const name = attributeToTag(value);
      if (name) {
        c.service = name;
        c.serviceAt = s;
      }
    }
    const i = ipRank(key);
    if (i >= 0) c.ips.push([i, value]);
    const p = portRank(key);
    if (p >= 0) c.ports.push([p, value]);
    if (key === 'client.address') c.clientAddress = value;
    else if (key === 'server.port') c.serverPort = value;
  }
  const endpoint: ZipkinEndpoint = {};
  if (c.service !== undefined) endpoint.serviceName = c.service;
  if (c.ips.length > 1) c.ips.sort((a, b) => a[0] - b[0]);
  for (const [, value] of c.ips) if (setIp(endpoint, value)) break;
  if (endpoint.ipv4 === undefined && endpoint.ipv6 === undefined && kind === SpanKind.SERVER) setIp(endpoint, c.clientAddress);
  if (c.ports.length > 1) c.ports.sort((a, b) => a[0] - b[0]);
  for (const [, value] of c.ports) {
    const p = toPort(value);
    if (p !== undefined) {
      endpoint.port = p;
      break;
    }
  }
  if (endpoint.port === undefined && outgoing) {
    const p = toPort(c.serverPort);
    if (p !== undefined) endpoint.port = p;
  }
  return endpoint.serviceName !== undefined || endpoint.ipv4 !== undefined || endpoint.ipv6 !== undefined || endpoint.port !== undefined
    ? endpoint
    : undefined;
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
