/**
 * The semantic-convention attributes the Datadog mapping looks at, picked out of a span's attributes in the
 * same single pass that routes them to meta/metrics. Naming then reads fields instead of doing ~30 hash
 * lookups per span (most of them for absent keys). Generated-style code on purpose: a fixed-shape object and a
 * switch on a small integer are what V8 makes fast.
 */
import type { AttributeValue, Attributes } from '@opentelemetry/api';

export class Semantics {
  operationName: AttributeValue | undefined = undefined;
  resourceName: AttributeValue | undefined = undefined;
  serviceName: AttributeValue | undefined = undefined;
  spanType: AttributeValue | undefined = undefined;
  analyticsEvent: AttributeValue | undefined = undefined;
  httpRequestMethod: AttributeValue | undefined = undefined;
  httpMethod: AttributeValue | undefined = undefined;
  httpRoute: AttributeValue | undefined = undefined;
  httpResponseStatusCode: AttributeValue | undefined = undefined;
  httpStatusCode: AttributeValue | undefined = undefined;
  httpUrl: AttributeValue | undefined = undefined;
  urlFull: AttributeValue | undefined = undefined;
  urlPath: AttributeValue | undefined = undefined;
  urlScheme: AttributeValue | undefined = undefined;
  urlQuery: AttributeValue | undefined = undefined;
  serverAddress: AttributeValue | undefined = undefined;
  serverPort: AttributeValue | undefined = undefined;
  userAgent: AttributeValue | undefined = undefined;
  httpUseragent: AttributeValue | undefined = undefined;
  dbSystemName: AttributeValue | undefined = undefined;
  dbSystem: AttributeValue | undefined = undefined;
  dbStatement: AttributeValue | undefined = undefined;
  dbQueryText: AttributeValue | undefined = undefined;
  dbOperationName: AttributeValue | undefined = undefined;
  dbOperation: AttributeValue | undefined = undefined;
  messagingSystem: AttributeValue | undefined = undefined;
  messagingOperation: AttributeValue | undefined = undefined;
  messagingOperationType: AttributeValue | undefined = undefined;
  messagingDestination: AttributeValue | undefined = undefined;
  messagingDestinationName: AttributeValue | undefined = undefined;
  rpcSystem: AttributeValue | undefined = undefined;
  rpcService: AttributeValue | undefined = undefined;
  rpcMethod: AttributeValue | undefined = undefined;
  faasInvokedProvider: AttributeValue | undefined = undefined;
  faasInvokedName: AttributeValue | undefined = undefined;
  faasTrigger: AttributeValue | undefined = undefined;
  graphqlOperationType: AttributeValue | undefined = undefined;
  graphqlOperationName: AttributeValue | undefined = undefined;
  networkProtocolName: AttributeValue | undefined = undefined;
  env: AttributeValue | undefined = undefined;
  version: AttributeValue | undefined = undefined;
  spanKind: AttributeValue | undefined = undefined;
  language: AttributeValue | undefined = undefined;

  /** Clears every slot so one instance can be reused span after span. */
  reset(): void {
    this.operationName = undefined;
    this.resourceName = undefined;
    this.serviceName = undefined;
    this.spanType = undefined;
    this.analyticsEvent = undefined;
    this.httpRequestMethod = undefined;
    this.httpMethod = undefined;
    this.httpRoute = undefined;
    this.httpResponseStatusCode = undefined;
    this.httpStatusCode = undefined;
    this.httpUrl = undefined;
    this.urlFull = undefined;
    this.urlPath = undefined;
    this.urlScheme = undefined;
    this.urlQuery = undefined;
    this.serverAddress = undefined;
    this.serverPort = undefined;
    this.userAgent = undefined;
    this.httpUseragent = undefined;
    this.dbSystemName = undefined;
    this.dbSystem = undefined;
    this.dbStatement = undefined;
    this.dbQueryText = undefined;
    this.dbOperationName = undefined;
    this.dbOperation = undefined;
    this.messagingSystem = undefined;
    this.messagingOperation = undefined;
    this.messagingOperationType = undefined;
    this.messagingDestination = undefined;
    this.messagingDestinationName = undefined;
    this.rpcSystem = undefined;
    this.rpcService = undefined;
    this.rpcMethod = undefined;
    this.faasInvokedProvider = undefined;
    this.faasInvokedName = undefined;
    this.faasTrigger = undefined;
    this.graphqlOperationType = undefined;
    this.graphqlOperationName = undefined;
    this.networkProtocolName = undefined;
    this.env = undefined;
    this.version = undefined;
    this.spanKind = undefined;
    this.language = undefined;
  }
}

/** Attribute key → slot number. Slots below RESERVED_SLOTS are reserved attributes (span fields, not tags). */
const SLOT_INDEX = new Map<string, number>([
  ['operation.name', 0],
  ['resource.name', 1],
  ['service.name', 2],
  ['span.type', 3],
  ['analytics.event', 4],
  ['http.request.method', 5],
  ['http.method', 6],
  ['http.route', 7],
  ['http.response.status_code', 8],
  ['http.status_code', 9],
  ['http.url', 10],
  ['url.full', 11],
  ['url.path', 12],
  ['url.scheme', 13],
  ['url.query', 14],
  ['server.address', 15],
  ['server.port', 16],
  ['user_agent.original', 17],
  ['http.useragent', 18],
  ['db.system.name', 19],
  ['db.system', 20],
  ['db.statement', 21],
  ['db.query.text', 22],
  ['db.operation.name', 23],
  ['db.operation', 24],
  ['messaging.system', 25],
  ['messaging.operation', 26],
  ['messaging.operation.type', 27],
  ['messaging.destination', 28],
  ['messaging.destination.name', 29],
  ['rpc.system', 30],
  ['rpc.service', 31],
  ['rpc.method', 32],
  ['faas.invoked_provider', 33],
  ['faas.invoked_name', 34],
  ['faas.trigger', 35],
  ['graphql.operation.type', 36],
  ['graphql.operation.name', 37],
  ['network.protocol.name', 38],
  ['env', 39],
  ['version', 40],
  ['span.kind', 41],
  ['language', 42],
]);
const RESERVED_SLOTS = 5;
/** Slot number of `http.status_code` (kept as a string tag, like dd-trace). */
export const HTTP_STATUS_CODE_SLOT = 9;

export function slotIndex(key: string): number | undefined {
  return SLOT_INDEX.get(key);
}

/** Stores `value` in slot `index`; true if the attribute is reserved (it must not also become a tag). */
export function assignSlot(s: Semantics, index: number, value: AttributeValue): boolean {
  switch (index) {
    case 0: s.operationName = value; break;
    case 1: s.resourceName = value; break;
    case 2: s.serviceName = value; break;
    case 3: s.spanType = value; break;
    case 4: s.analyticsEvent = value; break;
    case 5: s.httpRequestMethod = value; break;
    case 6: s.httpMethod = value; break;
    case 7: s.httpRoute = value; break;
    case 8: s.httpResponseStatusCode = value; break;
    case 9: s.httpStatusCode = value; break;
    case 10: s.httpUrl = value; break;
    case 11: s.urlFull = value; break;
    case 12: s.urlPath = value; break;
    case 13: s.urlScheme = value; break;
    case 14: s.urlQuery = value; break;
    case 15: s.serverAddress = value; break;
    case 16: s.serverPort = value; break;
    case 17: s.userAgent = value; break;
    case 18: s.httpUseragent = value; break;
    case 19: s.dbSystemName = value; break;
    case 20: s.dbSystem = value; break;
    case 21: s.dbStatement = value; break;
    case 22: s.dbQueryText = value; break;
    case 23: s.dbOperationName = value; break;
    case 24: s.dbOperation = value; break;
    case 25: s.messagingSystem = value; break;
    case 26: s.messagingOperation = value; break;
    case 27: s.messagingOperationType = value; break;
    case 28: s.messagingDestination = value; break;
    case 29: s.messagingDestinationName = value; break;
    case 30: s.rpcSystem = value; break;
    case 31: s.rpcService = value; break;
    case 32: s.rpcMethod = value; break;
    case 33: s.faasInvokedProvider = value; break;
    case 34: s.faasInvokedName = value; break;
    case 35: s.faasTrigger = value; break;
    case 36: s.graphqlOperationType = value; break;
    case 37: s.graphqlOperationName = value; break;
    case 38: s.networkProtocolName = value; break;
    case 39: s.env = value; break;
    case 40: s.version = value; break;
    case 41: s.spanKind = value; break;
    case 42: s.language = value; break;
  }
  return index < RESERVED_SLOTS;
}

function isSet(v: AttributeValue | undefined): boolean {
  return v !== undefined && v !== null && v !== '';
}

/** Semantics of a plain attribute map (the sampler's start attributes, a resource). */
export function semanticsOf(attributes: Attributes): Semantics {
  const s = new Semantics();
  for (const key in attributes) {
    const index = SLOT_INDEX.get(key);
    const v = attributes[key];
    if (index !== undefined && v !== undefined && v !== null && v !== '') assignSlot(s, index, v);
  }
  return s;
}

/** Fills the slots a span left empty from its resource (the V2 "span first, then resource" rule). */
export function fillFromResource(span: Semantics, resource: Semantics): void {
  if (!isSet(span.operationName) && isSet(resource.operationName)) span.operationName = resource.operationName;
  if (!isSet(span.resourceName) && isSet(resource.resourceName)) span.resourceName = resource.resourceName;
  if (!isSet(span.spanType) && isSet(resource.spanType)) span.spanType = resource.spanType;
  if (!isSet(span.analyticsEvent) && isSet(resource.analyticsEvent)) span.analyticsEvent = resource.analyticsEvent;
  if (!isSet(span.httpRequestMethod) && isSet(resource.httpRequestMethod)) span.httpRequestMethod = resource.httpRequestMethod;
  if (!isSet(span.httpMethod) && isSet(resource.httpMethod)) span.httpMethod = resource.httpMethod;
  if (!isSet(span.httpRoute) && isSet(resource.httpRoute)) span.httpRoute = resource.httpRoute;
  if (!isSet(span.httpResponseStatusCode) && isSet(resource.httpResponseStatusCode)) span.httpResponseStatusCode = resource.httpResponseStatusCode;
  if (!isSet(span.httpStatusCode) && isSet(resource.httpStatusCode)) span.httpStatusCode = resource.httpStatusCode;
  if (!isSet(span.httpUrl) && isSet(resource.httpUrl)) span.httpUrl = resource.httpUrl;
  if (!isSet(span.urlFull) && isSet(resource.urlFull)) span.urlFull = resource.urlFull;
  if (!isSet(span.urlPath) && isSet(resource.urlPath)) span.urlPath = resource.urlPath;
  if (!isSet(span.urlScheme) && isSet(resource.urlScheme)) span.urlScheme = resource.urlScheme;
  if (!isSet(span.urlQuery) && isSet(resource.urlQuery)) span.urlQuery = resource.urlQuery;
  if (!isSet(span.serverAddress) && isSet(resource.serverAddress)) span.serverAddress = resource.serverAddress;
  if (!isSet(span.serverPort) && isSet(resource.serverPort)) span.serverPort = resource.serverPort;
  if (!isSet(span.userAgent) && isSet(resource.userAgent)) span.userAgent = resource.userAgent;
  if (!isSet(span.httpUseragent) && isSet(resource.httpUseragent)) span.httpUseragent = resource.httpUseragent;
  if (!isSet(span.dbSystemName) && isSet(resource.dbSystemName)) span.dbSystemName = resource.dbSystemName;
  if (!isSet(span.dbSystem) && isSet(resource.dbSystem)) span.dbSystem = resource.dbSystem;
  if (!isSet(span.dbStatement) && isSet(resource.dbStatement)) span.dbStatement = resource.dbStatement;
  if (!isSet(span.dbQueryText) && isSet(resource.dbQueryText)) span.dbQueryText = resource.dbQueryText;
  if (!isSet(span.dbOperationName) && isSet(resource.dbOperationName)) span.dbOperationName = resource.dbOperationName;
  if (!isSet(span.dbOperation) && isSet(resource.dbOperation)) span.dbOperation = resource.dbOperation;
  if (!isSet(span.messagingSystem) && isSet(resource.messagingSystem)) span.messagingSystem = resource.messagingSystem;
  if (!isSet(span.messagingOperation) && isSet(resource.messagingOperation)) span.messagingOperation = resource.messagingOperation;
  if (!isSet(span.messagingOperationType) && isSet(resource.messagingOperationType)) span.messagingOperationType = resource.messagingOperationType;
  if (!isSet(span.messagingDestination) && isSet(resource.messagingDestination)) span.messagingDestination = resource.messagingDestination;
  if (!isSet(span.messagingDestinationName) && isSet(resource.messagingDestinationName)) span.messagingDestinationName = resource.messagingDestinationName;
  if (!isSet(span.rpcSystem) && isSet(resource.rpcSystem)) span.rpcSystem = resource.rpcSystem;
  if (!isSet(span.rpcService) && isSet(resource.rpcService)) span.rpcService = resource.rpcService;
  if (!isSet(span.rpcMethod) && isSet(resource.rpcMethod)) span.rpcMethod = resource.rpcMethod;
  if (!isSet(span.faasInvokedProvider) && isSet(resource.faasInvokedProvider)) span.faasInvokedProvider = resource.faasInvokedProvider;
  if (!isSet(span.faasInvokedName) && isSet(resource.faasInvokedName)) span.faasInvokedName = resource.faasInvokedName;
  if (!isSet(span.faasTrigger) && isSet(resource.faasTrigger)) span.faasTrigger = resource.faasTrigger;
  if (!isSet(span.graphqlOperationType) && isSet(resource.graphqlOperationType)) span.graphqlOperationType = resource.graphqlOperationType;
  if (!isSet(span.graphqlOperationName) && isSet(resource.graphqlOperationName)) span.graphqlOperationName = resource.graphqlOperationName;
  if (!isSet(span.networkProtocolName) && isSet(resource.networkProtocolName)) span.networkProtocolName = resource.networkProtocolName;
  if (!isSet(span.env) && isSet(resource.env)) span.env = resource.env;
  if (!isSet(span.version) && isSet(resource.version)) span.version = resource.version;
  if (!isSet(span.spanKind) && isSet(resource.spanKind)) span.spanKind = resource.spanKind;
  if (!isSet(span.language) && isSet(resource.language)) span.language = resource.language;
}

/** True if a resource sets any slot other than `service.name` (only then do spans need `fillFromResource`). */
export function hasSemanticSlots(r: Semantics): boolean {
  return (
    isSet(r.operationName) ||
    isSet(r.resourceName) ||
    isSet(r.spanType) ||
    isSet(r.analyticsEvent) ||
    isSet(r.httpRequestMethod) ||
    isSet(r.httpMethod) ||
    isSet(r.httpRoute) ||
    isSet(r.httpResponseStatusCode) ||
    isSet(r.httpStatusCode) ||
    isSet(r.httpUrl) ||
    isSet(r.urlFull) ||
    isSet(r.urlPath) ||
    isSet(r.urlScheme) ||
    isSet(r.urlQuery) ||
    isSet(r.serverAddress) ||
    isSet(r.serverPort) ||
    isSet(r.userAgent) ||
    isSet(r.httpUseragent) ||
    isSet(r.dbSystemName) ||
    isSet(r.dbSystem) ||
    isSet(r.dbStatement) ||
    isSet(r.dbQueryText) ||
    isSet(r.dbOperationName) ||
    isSet(r.dbOperation) ||
    isSet(r.messagingSystem) ||
    isSet(r.messagingOperation) ||
    isSet(r.messagingOperationType) ||
    isSet(r.messagingDestination) ||
    isSet(r.messagingDestinationName) ||
    isSet(r.rpcSystem) ||
    isSet(r.rpcService) ||
    isSet(r.rpcMethod) ||
    isSet(r.faasInvokedProvider) ||
    isSet(r.faasInvokedName) ||
    isSet(r.faasTrigger) ||
    isSet(r.graphqlOperationType) ||
    isSet(r.graphqlOperationName) ||
    isSet(r.networkProtocolName) ||
    isSet(r.env) ||
    isSet(r.version) ||
    isSet(r.spanKind) ||
    isSet(r.language)
  );
}
