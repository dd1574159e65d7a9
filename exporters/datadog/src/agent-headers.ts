import { readContainerId } from './container-id';
import { TRACER_VERSION } from './version';

/** Headers on every trace payload (specs/datadog.md §2.2). */
export function agentHeaders(): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/msgpack',
    'Datadog-Meta-Lang': 'nodejs',
    'Datadog-Meta-Lang-Version': process.version,
    'Datadog-Meta-Lang-Interpreter': 'v8',
    'Datadog-Meta-Tracer-Version': TRACER_VERSION,
    // Without it an overloaded agent answers 200 while discarding the payload: make refusals visible (429).
    'Datadog-Send-Real-Http-Status': 'yes',
  };
  const containerId = readContainerId();
  if (containerId) headers['Datadog-Container-ID'] = containerId;
  return headers;
}
