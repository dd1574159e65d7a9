import { JsonWriter } from './json-writer';
import type { ZipkinEndpoint, ZipkinSpan } from './model';

function endpoint(w: JsonWriter, e: ZipkinEndpoint): void {
  let sep = '{';
  if (e.serviceName !== undefined) {
    w.raw('{"serviceName":');
    w.string(e.serviceName);
    sep = ',';
  }
  if (e.ipv4 !== undefined) {
    w.raw(`${sep}"ipv4":`);
    w.string(e.ipv4);
    sep = ',';
  }
  if (e.ipv6 !== undefined) {
    w.raw(`${sep}"ipv6":`);
    w.string(e.ipv6);
    sep = ',';
  }
  if (e.port !== undefined) {
    w.raw(`${sep}"port":${e.port}`);
    sep = ',';
  }
  w.raw(sep === '{' ? '{}' : '}');
}

/** Every field but the tags, and without the closing brace. */
function spanFields(w: JsonWriter, s: ZipkinSpan): void {
  w.raw('{"traceId":');
  w.string(s.traceId);
  w.raw(',"id":');
  w.string(s.id);
  if (s.parentId !== undefined) {
    w.raw(',"parentId":');
    w.string(s.parentId);
  }
  if (s.name !== undefined) {
    w.raw(',"name":');
    w.string(s.name);
  }
  if (s.kind !== undefined) w.raw(`,"kind":"${s.kind}"`);
  if (s.timestamp !== undefined) w.raw(`,"timestamp":${s.timestamp}`);
  if (s.duration !== undefined) w.raw(`,"duration":${s.duration}`);
  if (s.debug !== undefined) w.raw(s.debug ? ',"debug":true' : ',"debug":false');
  if (s.shared !== undefined) w.raw(s.shared ? ',"shared":true' : ',"shared":false');
  if (s.localEndpoint !== undefined) {
    w.raw(',"localEndpoint":');
    endpoint(w, s.localEndpoint);
  }
  if (s.remoteEndpoint !== undefined) {
    w.raw(',"remoteEndpoint":');
    endpoint(w, s.remoteEndpoint);
  }
  const annotations = s.annotations;
  if (annotations !== undefined) {
    w.raw(',"annotations":[');
    for (let i = 0; i < annotations.length; i++) {
      w.raw(i === 0 ? `{"timestamp":${annotations[i].timestamp},"value":` : `,{"timestamp":${annotations[i].timestamp},"value":`);
      w.string(annotations[i].value);
      w.byte(0x7d);
    }
    w.byte(0x5d);
  }
}

function span(w: JsonWriter, s: ZipkinSpan): void {
  spanFields(w, s);
  const tags = s.tags;
  if (tags !== undefined) {
    w.raw(',"tags":{');
    let first = true;
    for (const key in tags) {
      if (!first) w.byte(0x2c);
      first = false;
      w.string(key);
      w.byte(0x3a);
      w.string(tags[key]);
    }
    w.byte(0x7d);
  }
  w.byte(0x7d);
}

/**
 * Zipkin v2 JSON list as UTF-8 bytes, written directly (no intermediate JS string to build and re-encode). The
 * bytes equal `Buffer.from(JSON.stringify(spans))` for canonical spans; the property tests check it.
 */
export function encodeJsonV2(spans: readonly ZipkinSpan[]): Buffer {
  const w = new JsonWriter(spans.length * 768 + 2);
  w.byte(0x5b);
  for (let i = 0; i < spans.length; i++) {
    if (i > 0) w.byte(0x2c);
    span(w, spans[i]);
  }
  w.byte(0x5d);
  return w.finish();
}
