/**
 * Datadog operation name, resource, span type and service for an OTel span, following the agent's OTLP
 * "V2" rules (specs/datadog.md §4.1–§4.4) so a service looks the same whether its spans arrive through this
 * exporter or through OTLP. Reserved attributes (`operation.name`, `resource.name`, `span.type`,
 * `service.name`) override, span attributes before resource attributes.
 */
import { SpanKind, type AttributeValue } from '@opentelemetry/api';
import type { Semantics } from './semantics';

// Bound once at load: `SpanKind` is a re-exported binding (a getter) in @opentelemetry/api's CJS build.
const SERVER = SpanKind.SERVER;
const CLIENT = SpanKind.CLIENT;
const PRODUCER = SpanKind.PRODUCER;
const CONSUMER = SpanKind.CONSUMER;
const INTERNAL = SpanKind.INTERNAL;

/** A set attribute as a string; unset, null and '' are all "absent". */
function str(v: AttributeValue | undefined): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return typeof v === 'string' ? v : String(v);
}

const normalized = new Map<string, string>();

/** The agent's NormalizeTagValue, reduced: lower-case, characters outside `[a-z0-9_:./-]` become `_`. */
export function normalizeTagValue(v: string): string {
  // The same few values (db systems, protocols) recur on every span: memoise a bounded number of them.
  const hit = normalized.get(v);
  if (hit !== undefined) return hit;
  const lower = v.toLowerCase();
  const result = /^[a-z0-9_:./-]*$/.test(lower) ? lower : lower.replace(/[^a-z0-9_:./-]+/g, '_');
  if (normalized.size < 256) normalized.set(v, result);
  return result;
}

const joined = new Map<string, Map<string, string>>();

/**
 * `${a}${separator}${b}`, the same string object for the same parts (bounded): names and resources repeat on
 * every span, and an identical object compares and hashes for free downstream.
 */
function join(a: string, separator: string, b: string): string {
  if (a.length + b.length > 256) return a + separator + b; // long ones are not worth the memory
  let byA = joined.get(a);
  if (byA === undefined) {
    if (joined.size >= 64) joined.clear();
    byA = new Map();
    joined.set(a, byA);
  }
  let result = byA.get(b);
  if (result === undefined) {
    result = a + separator + b;
    if (byA.size >= 256) byA.clear();
    byA.set(b, result);
  }
  return result;
}

/** `db.system.name` (stable semconv, used by the current contrib instrumentations) or legacy `db.system`. */
export function dbSystem(s: Semantics): string | undefined {
  return str(s.dbSystemName) ?? str(s.dbSystem);
}

function httpMethod(s: Semantics): string | undefined {
  return str(s.httpRequestMethod) ?? str(s.httpMethod);
}

function kindName(kind: SpanKind): string {
  switch (kind) {
    case SERVER: return 'server';
    case CLIENT: return 'client';
    case PRODUCER: return 'producer';
    case CONSUMER: return 'consumer';
    default: return 'internal';
  }
}

export { kindName as spanKindName };

/** §4.1 `GetOTelOperationNameV2`. */
export function operationName(s: Semantics, kind: SpanKind): string {
  const explicit = str(s.operationName);
  if (explicit) return explicit;
  const isClient = kind === CLIENT;
  const isServer = kind === SERVER;
  if (httpMethod(s)) {
    if (isServer) return 'http.server.request';
    if (isClient) return 'http.client.request';
  }
  const db = dbSystem(s);
  if (db && isClient) return dbSystemInfo(db).operation;
  const msgSystem = str(s.messagingSystem);
  const msgOp = str(s.messagingOperation) ?? str(s.messagingOperationType);
  if (msgSystem && msgOp && kind !== INTERNAL) return `${normalizeTagValue(msgSystem)}.${normalizeTagValue(msgOp)}`;
  const rpc = str(s.rpcSystem);
  if (rpc) {
    const rpcSystem = normalizeTagValue(rpc);
    if (rpcSystem === 'aws-api' && isClient) {
      const service = str(s.rpcService);
      return service ? `aws.${normalizeTagValue(service)}.request` : 'aws.client.request';
    }
    if (isClient) return `${rpcSystem}.client.request`;
    if (isServer) return `${rpcSystem}.server.request`;
  }
  const faasProvider = str(s.faasInvokedProvider);
  const faasName = str(s.faasInvokedName);
  if (faasProvider && faasName && isClient) return `${normalizeTagValue(faasProvider)}.${normalizeTagValue(faasName)}.invoke`;
  const trigger = str(s.faasTrigger);
  if (trigger && isServer) return `${normalizeTagValue(trigger)}.invoke`;
  if (str(s.graphqlOperationType)) return 'graphql.server.request';
  const protocol = str(s.networkProtocolName);
  if (isServer) return protocol ? `${normalizeTagValue(protocol)}.server.request` : 'server.request';
  if (isClient) return protocol ? `${normalizeTagValue(protocol)}.client.request` : 'client.request';
  return kindName(kind);
}

const CACHE_SYSTEMS = new Set(['redis', 'memcached']);

/** §4.2 `GetOTelResourceV2`, plus the Datadog convention that a cache span's resource is its command. */
export function resourceName(s: Semantics, kind: SpanKind, spanName: string): string {
  const explicit = str(s.resourceName);
  if (explicit) return explicit;
  const method = httpMethod(s);
  if (method) {
    const m = method === '_OTHER' ? 'HTTP' : method;
    const route = kind === SERVER ? str(s.httpRoute) : undefined;
    return route ? join(m, ' ', route) : m;
  }
  const msgOp = str(s.messagingOperation) ?? str(s.messagingOperationType);
  if (msgOp) {
    const dest = str(s.messagingDestination) ?? str(s.messagingDestinationName);
    return dest ? `${msgOp} ${dest}` : msgOp;
  }
  const rpcMethod = str(s.rpcMethod);
  if (rpcMethod) {
    const service = str(s.rpcService);
    return service ? `${rpcMethod} ${service}` : rpcMethod;
  }
  const gqlType = str(s.graphqlOperationType);
  if (gqlType) {
    const gqlName = str(s.graphqlOperationName);
    return gqlName ? `${gqlType} ${gqlName}` : gqlType;
  }
  const db = dbSystem(s);
  if (db) {
    if (dbSystemInfo(db).cache) {
      // dd-trace's redis/memcached resource is the command, not the serialised arguments.
      const op = str(s.dbOperationName) ?? str(s.dbOperation);
      if (op) return op;
      const text = str(s.dbQueryText) ?? str(s.dbStatement);
      if (text) return text.split(' ', 1)[0];
    } else {
      const text = str(s.dbStatement) ?? str(s.dbQueryText);
      if (text) return text;
    }
  }
  return spanName;
}

const SQL_SYSTEMS = new Set([
  'mysql', 'postgresql', 'mssql', 'oracle', 'db2', 'mariadb', 'sqlite', 'clickhouse', 'other_sql', 'hsqldb',
  'h2', 'derby', 'firebird', 'informix', 'ingres', 'interbase', 'pervasive', 'pointbase', 'sybase', 'teradata',
  'vertica', 'edb', 'cache', 'adabas', 'cockroachdb', 'filemaker', 'instantdb', 'maxdb', 'mssqlcompact',
  'netezza', 'progress', 'redshift', 'spanner', 'trino', 'oracle.db', 'microsoft.sql_server', 'ibm.db2',
]);
const SAME_NAME_TYPES = new Set(['cassandra', 'redis', 'memcached', 'mongodb', 'elasticsearch', 'opensearch']);

/** What a `db.system(.name)` value implies for naming, derived once per value. */
interface DbSystemInfo {
  /** §4.1: `<system>.query` */
  readonly operation: string;
  /** §4.3: `sql`, the system's own name, or `db` */
  readonly type: string;
  /** a cache (redis, memcached): its resource is the command */
  readonly cache: boolean;
}

const dbSystemInfos = new Map<string, DbSystemInfo>();

let lastDb = '';
let lastDbInfo: DbSystemInfo | undefined;

function dbSystemInfo(db: string): DbSystemInfo {
  // naming asks up to three times per span, mostly for the same system as the span before
  if (db === lastDb && lastDbInfo !== undefined) return lastDbInfo;
  let info = dbSystemInfos.get(db);
  if (info === undefined) {
    const system = normalizeTagValue(db);
    info = {
      operation: `${system}.query`,
      type: SQL_SYSTEMS.has(system) ? 'sql' : SAME_NAME_TYPES.has(system) ? system : 'db',
      cache: CACHE_SYSTEMS.has(system),
    };
    if (dbSystemInfos.size >= 256) dbSystemInfos.clear();
    dbSystemInfos.set(db, info);
  }
  lastDb = db;
  lastDbInfo = info;
  return info;
}

/** §4.3 `GetOTelSpanType`. */
export function spanType(s: Semantics, kind: SpanKind): string {
  const explicit = str(s.spanType);
  if (explicit) return explicit;
  if (kind === SERVER) return 'web';
  if (kind === CLIENT) {
    const db = dbSystem(s);
    return db ? dbSystemInfo(db).type : 'http';
  }
  return 'custom';
}

/**
 * §4.4 with Datadog precedence: span `service.name`, else the resource's, with the configured DD_SERVICE
 * replacing only a missing name or the SDK's `unknown_service:…` placeholder.
 */
export function serviceName(s: Semantics, resourceService: string, fallback: string | undefined): string {
  const onSpan = s.serviceName;
  if (typeof onSpan === 'string' && onSpan !== '') return onSpan;
  if (fallback && (resourceService === '' || resourceService.startsWith('unknown_service'))) return fallback;
  return resourceService || fallback || 'unnamed-nodejs-service';
}
