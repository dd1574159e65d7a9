/** Sent as `Datadog-Meta-Tracer-Version`; keep in step with package.json. */
export const TRACER_VERSION = '0.1.0';
