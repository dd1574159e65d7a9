import type { JaegerClientStats, JaegerLog, JaegerProcess, JaegerSpan, JaegerSpanRef, JaegerTag } from '../model';
import type { ThriftWriter } from './thrift-writer';

// TagType values, module-local so the hot path does not go through an import binding
const STRING = 0;
const DOUBLE = 1;
const BOOL = 2;
const LONG = 3;
const BINARY = 4;

/*
 * jaeger.thrift structs, written field by field in id order with every required field and, for a Tag, only the
 * value field matching vType (jaeger-client fills all five, wasting ~40 bytes per tag).
 */

function writeHexId(w: ThriftWriter, id: number, hex16: string): void {
  w.fieldI64Hex(id, hex16);
}

function writeNumberI64(w: ThriftWriter, id: number, n: number): void {
  w.fieldI64Number(id, n);
}

export function writeTag(w: ThriftWriter, t: JaegerTag): void {
  w.structBegin();
  w.fieldString(1, t.key);
  w.fieldI32(2, t.vType);
  switch (t.vType) {
    case STRING:
      w.fieldString(3, t.vStr);
      break;
    case DOUBLE:
      w.fieldDouble(4, t.vDouble);
      break;
    case BOOL:
      w.fieldBool(5, t.vBool);
      break;
    case LONG:
      writeNumberI64(w, 6, t.vLong);
      break;
    case BINARY:
      w.fieldBinary(7, t.vBinary);
      break;
  }
  w.structEnd();
}

function writeTagList(w: ThriftWriter, id: number, tags: readonly JaegerTag[]): void {
  w.fieldStructList(id, tags.length);
  for (let i = 0; i < tags.length; i++) writeTag(w, tags[i]);
}

export function writeLog(w: ThriftWriter, log: JaegerLog): void {
  w.structBegin();
  writeNumberI64(w, 1, log.timestamp);
  writeTagList(w, 2, log.fields);
  w.structEnd();
}

export function writeSpanRef(w: ThriftWriter, r: JaegerSpanRef): void {
  w.structBegin();
  w.fieldI32(1, r.refType);
  writeHexId(w, 2, r.traceIdLow);
  writeHexId(w, 3, r.traceIdHigh);
  writeHexId(w, 4, r.spanId);
  w.structEnd();
}

export function writeSpan(w: ThriftWriter, s: JaegerSpan): void {
  w.structBegin();
  writeHexId(w, 1, s.traceIdLow);
  writeHexId(w, 2, s.traceIdHigh);
  writeHexId(w, 3, s.spanId);
  writeHexId(w, 4, s.parentSpanId);
  w.fieldString(5, s.operationName);
  if (s.references && s.references.length > 0) {
    w.fieldStructList(6, s.references.length);
    for (const r of s.references) writeSpanRef(w, r);
  }
  w.fieldI32(7, s.flags);
  writeNumberI64(w, 8, s.startTime);
  writeNumberI64(w, 9, s.duration);
  if (s.tags && s.tags.length > 0) writeTagList(w, 10, s.tags);
  if (s.logs && s.logs.length > 0) {
    w.fieldStructList(11, s.logs.length);
    for (const l of s.logs) writeLog(w, l);
  }
  w.structEnd();
}

export function writeProcess(w: ThriftWriter, p: JaegerProcess): void {
  w.structBegin();
  w.fieldString(1, p.serviceName);
  if (p.tags && p.tags.length > 0) writeTagList(w, 2, p.tags);
  w.structEnd();
}

export function writeClientStats(w: ThriftWriter, s: JaegerClientStats): void {
  w.structBegin();
  writeNumberI64(w, 1, s.fullQueueDroppedSpans);
  writeNumberI64(w, 2, s.tooLargeDroppedSpans);
  writeNumberI64(w, 3, s.failedToEmitSpans);
  w.structEnd();
}
