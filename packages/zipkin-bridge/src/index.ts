export { createZipkinBridge, type ZipkinBridge, type ZipkinBridgeOptions } from './zipkin-bridge';
export { startZipkinBridgeServer, type ZipkinBridgeServer, type ZipkinBridgeServerOptions } from './bridge-server';
export type { ZipkinBridgeStats } from './bridge-stats';
export { ZipkinSpanConverter, ABSENT_START_ATTRIBUTE, type ConversionOptions } from './zipkin-to-readable';
export { SharedSpanRewriter, serverSpanId, type SharedSpanOptions } from './shared-span-rewriter';
export { LATE_FRAGMENT_ATTRIBUTE, type LateDataOptions } from './late-data-buffer';
export type { ChildHoldOptions } from './child-hold';
export { parseLinkTag } from './span-links';
export { createExportersFromEnv, createExporter, parseExporterNames, type ExporterName } from './exporters-from-env';
