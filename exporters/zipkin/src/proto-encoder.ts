import type { ZipkinAnnotation, ZipkinEndpoint, ZipkinKind, ZipkinSpan } from './model';
import * as ip from './ip';
import * as proto from './proto-writer';

// Bound once: under tsx (tests and benchmarks run from source) each use of an imported name is a chain of getters.
const { ipv4ToBytes, ipv6ToBytes } = ip;
const { varintSize, WIRE_FIXED64, WIRE_LENGTH, WIRE_VARINT } = proto;

/** zipkin.proto `Span.Kind` numbers. */
const KIND_NUMBERS: Record<ZipkinKind, number> = { CLIENT: 1, SERVER: 2, PRODUCER: 3, CONSUMER: 4 };

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');
const lengthField = (size: number): number => 1 + varintSize(size) + size;

/**
 * Sizes are computed in a first pass and queued in the order the writer needs them (pre-order: a message's size
 * before its content), so the second pass writes into one exactly-sized buffer with no copies.
 */
class Sizes {
  readonly queue: number[] = [];
  readonly addresses: (Uint8Array | undefined)[] = [];
  private next = 0;
  private nextAddress = 0;
  reserve(): number {
    this.queue.push(0);
    return this.queue.length - 1;
  }
  push(n: number): number {
    this.queue.push(n);
    return n;
  }
  take(): number {
    return this.queue[this.next++];
  }
  takeAddress(): Uint8Array | undefined {
    return this.addresses[this.nextAddress++];
  }
}

function sizeEndpoint(e: ZipkinEndpoint, sizes: Sizes): number {
  const slot = sizes.reserve();
  let size = 0;
  if (e.serviceName) size += lengthField(sizes.push(utf8(e.serviceName)));
  const v4 = e.ipv4 ? ipv4ToBytes(e.ipv4) : undefined;
  sizes.addresses.push(v4);
  if (v4) size += 6;
  const v6 = e.ipv6 ? ipv6ToBytes(e.ipv6) : undefined;
  sizes.addresses.push(v6);
  if (v6) size += 18;
  if (e.port) size += 1 + varintSize(e.port);
  sizes.queue[slot] = size;
  return size;
}

function sizeAnnotation(a: ZipkinAnnotation, sizes: Sizes): number {
  const slot = sizes.reserve();
  const size = 9 + lengthField(sizes.push(utf8(a.value)));
  sizes.queue[slot] = size;
  return size;
}

function sizeSpan(s: ZipkinSpan, sizes: Sizes): number {
  const slot = sizes.reserve();
  let size = lengthField(s.traceId.length >> 1) + lengthField(8);
  if (s.parentId) size += lengthField(8);
  if (s.kind) size += 2;
  if (s.name) size += lengthField(sizes.push(utf8(s.name)));
  if (s.timestamp) size += 9;
  if (s.duration) size += 1 + varintSize(s.duration);
  if (s.localEndpoint) size += lengthField(sizeEndpoint(s.localEndpoint, sizes));
  if (s.remoteEndpoint) size += lengthField(sizeEndpoint(s.remoteEndpoint, sizes));
  if (s.annotations) for (const a of s.annotations) size += lengthField(sizeAnnotation(a, sizes));
  if (s.tags) {
    for (const key in s.tags) {
      const entrySlot = sizes.reserve();
      const entry = lengthField(sizes.push(utf8(key))) + lengthField(sizes.push(utf8(s.tags[key])));
      sizes.queue[entrySlot] = entry;
      size += lengthField(entry);
    }
  }
  if (s.debug) size += 2;
  if (s.shared) size += 2;
  sizes.queue[slot] = size;
  return size;
}

function writeEndpoint(field: number, e: ZipkinEndpoint, w: proto.ProtoWriter, sizes: Sizes): void {
  w.tag(field, WIRE_LENGTH);
  w.varint(sizes.take());
  if (e.serviceName) {
    w.tag(1, WIRE_LENGTH);
    w.string(e.serviceName, sizes.take());
  }
  const v4 = sizes.takeAddress();
  if (v4) {
    w.tag(2, WIRE_LENGTH);
    w.bytes(v4);
  }
  const v6 = sizes.takeAddress();
  if (v6) {
    w.tag(3, WIRE_LENGTH);
    w.bytes(v6);
  }
  if (e.port) {
    w.tag(4, WIRE_VARINT);
    w.varint(e.port);
  }
}

function writeSpan(s: ZipkinSpan, w: proto.ProtoWriter, sizes: Sizes): void {
  w.tag(1, WIRE_LENGTH);
  w.varint(sizes.take());
  w.tag(1, WIRE_LENGTH);
  w.hex(s.traceId, s.traceId.length >> 1);
  if (s.parentId) {
    w.tag(2, WIRE_LENGTH);
    w.hex(s.parentId, 8);
  }
  w.tag(3, WIRE_LENGTH);
  w.hex(s.id, 8);
  if (s.kind) {
    w.tag(4, WIRE_VARINT);
    w.varint(KIND_NUMBERS[s.kind]);
  }
  if (s.name) {
    w.tag(5, WIRE_LENGTH);
    w.string(s.name, sizes.take());
  }
  if (s.timestamp) {
    w.tag(6, WIRE_FIXED64);
    w.fixed64(s.timestamp);
  }
  if (s.duration) {
    w.tag(7, WIRE_VARINT);
    w.varint(s.duration);
  }
  if (s.localEndpoint) writeEndpoint(8, s.localEndpoint, w, sizes);
  if (s.remoteEndpoint) writeEndpoint(9, s.remoteEndpoint, w, sizes);
  if (s.annotations) {
    for (const a of s.annotations) {
      w.tag(10, WIRE_LENGTH);
      w.varint(sizes.take());
      w.tag(1, WIRE_FIXED64);
      w.fixed64(a.timestamp);
      w.tag(2, WIRE_LENGTH);
      w.string(a.value, sizes.take());
    }
  }
  if (s.tags) {
    for (const key in s.tags) {
      w.tag(11, WIRE_LENGTH);
      w.varint(sizes.take());
      w.tag(1, WIRE_LENGTH);
      w.string(key, sizes.take());
      w.tag(2, WIRE_LENGTH);
      w.string(s.tags[key], sizes.take());
    }
  }
  if (s.debug) {
    w.tag(12, WIRE_VARINT);
    w.varint(1);
  }
  if (s.shared) {
    w.tag(13, WIRE_VARINT);
    w.varint(1);
  }
}

/**
 * zipkin.proto3 `ListOfSpans`, written by hand (no protobufjs on the hot path). Expects canonical spans (as
 * `spanToZipkin` and the decoders produce): 16/32-hex trace ids, 16-hex span ids.
 */
export function encodeProto3(spans: readonly ZipkinSpan[]): Buffer {
  const sizes = new Sizes();
  let total = 0;
  for (const s of spans) total += lengthField(sizeSpan(s, sizes));
  const writer = new proto.ProtoWriter(total);
  for (const s of spans) writeSpan(s, writer, sizes);
  return writer.buffer;
}
