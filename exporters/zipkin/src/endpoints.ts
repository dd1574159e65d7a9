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

/**
 * The last string checked and its IP version (0: not an IP literal). A server's spans repeat the same peer address,
 * and `isIPv4` is a regular expression run per span.
 */
let lastIpText = '';
let lastIpVersion = 0;

function ipVersion(value: string): number {
  if (value === lastIpText) return lastIpVersion;
  const version = isIPv4(value) ? 4 : isIPv6(value) ? 6 : 0;
  // an address is short: a long string is not kept alive by the memo
  if (value.length <= 64) {
    lastIpText = value;
    lastIpVersion = version;
  }
  return version;
}

function setIp(endpoint: ZipkinEndpoint, value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const version = ipVersion(value);
  if (version === 4) endpoint.ipv4 = value;
  else if (version === 6) endpoint.ipv6 = value;
  else return false;
  return true;
}

function isIp(value: unknown): boolean {
  return typeof value === 'string' && ipVersion(value) !== 0;
}

function toPort(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= 65535 ? n : undefined;
}

/** `remoteRoles` bits: the key is `client.address` (the SERVER span's fallback IP) or `server.port` (outgoing port). */
const CLIENT_ADDRESS = 1 << 12;
const SERVER_PORT = 1 << 13;

/**
 * What a key can contribute to the remote endpoint, packed in one number (0: nothing, the common case): service,
 * IP and port ranks plus one (4 bits each), and the two fallback keys. Computed once per key by the JSON encoder,
 * which then feeds `RemoteEndpointBuilder` in its one pass over the attributes.
 */
export function remoteRoles(key: string): number {
  const roles = (serviceRank(key) + 1) | ((ipRank(key) + 1) << 4) | ((portRank(key) + 1) << 8);
  if (key === 'client.address') return roles | CLIENT_ADDRESS;
  if (key === 'server.port') return roles | SERVER_PORT;
  return roles;
}

/**
 * The remote endpoint, fed one attribute at a time: per field it keeps the best-ranked candidate that is usable (a
 * valid IP literal, a valid port), the same result as trying the candidates in rank order, without sorting or
 * allocating. One instance is reused (encoding is synchronous): `start`, `add`…, `finish`.
 */
export class RemoteEndpointBuilder {
  private kind: SpanKind = SpanKind.INTERNAL;
  private outgoing = false;
  private service: string | undefined;
  private serviceAt = 99;
  private ip: string | undefined;
  private ipAt = 99;
  private port: number | undefined;
  private portAt = 99;
  private clientAddress: AttributeValue | undefined;
  private serverPort: AttributeValue | undefined;

  start(kind: SpanKind): void {
    this.kind = kind;
    this.outgoing = kind === SpanKind.CLIENT || kind === SpanKind.PRODUCER;
    this.service = undefined;
    this.serviceAt = 99;
    this.ip = undefined;
    this.ipAt = 99;
    this.port = undefined;
    this.portAt = 99;
    this.clientAddress = undefined;
    this.serverPort = undefined;
  }

  /** An attribute whose key has non-zero `remoteRoles` (`value` not undefined). */
  add(roles: number, value: AttributeValue): void {
    const s = (roles & 15) - 1;
    if (s >= 0 && s < this.serviceAt && (s === 0 || this.outgoing)) {
      const name = attributeToTag(value);
      if (name) {
        this.service = name;
        this.serviceAt = s;
      }
    }
    const i = ((roles >> 4) & 15) - 1;
    if (i >= 0 && i < this.ipAt && isIp(value)) {
      this.ip = value as string;
      this.ipAt = i;
    }
    const p = ((roles >> 8) & 15) - 1;
    if (p >= 0 && p < this.portAt) {
      const n = toPort(value);
      if (n !== undefined) {
        this.port = n;
        this.portAt = p;
      }
    }
    if ((roles & CLIENT_ADDRESS) !== 0) this.clientAddress = value;
    else if ((roles & SERVER_PORT) !== 0) this.serverPort = value;
  }

  finish(): ZipkinEndpoint | undefined {
    let ip = this.ip;
    let port = this.port;
    if (ip === undefined && this.kind === SpanKind.SERVER && isIp(this.clientAddress)) ip = this.clientAddress as string;
    if (port === undefined && this.outgoing) port = toPort(this.serverPort);
    const service = this.service;
    // drop the references: the builder outlives the span
    this.service = this.ip = this.clientAddress = this.serverPort = undefined;
    if (service === undefined && ip === undefined && port === undefined) return undefined;
    const endpoint: ZipkinEndpoint = {};
    if (service !== undefined) endpoint.serviceName = service;
    if (ip !== undefined) setIp(endpoint, ip);
    if (port !== undefined) endpoint.port = port;
    return endpoint;
  }
}

const builder = new RemoteEndpointBuilder();

/** The remote endpoint of a span (OTel spec ranking, see `serviceRank`), in one pass over the attributes present. */
export function remoteEndpoint(kind: SpanKind, attributes: Attributes): ZipkinEndpoint | undefined {
  builder.start(kind);
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined) continue;
    const roles = remoteRoles(key);
    if (roles !== 0) builder.add(roles, value);
  }
  return builder.finish();
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
