import type { Resource } from '@opentelemetry/resources';
import type { JaegerProcess, JaegerTag } from '../model';
import { appendAttributeTags, stringTag } from './tags';

const SERVICE_NAME = 'service.name';

/**
 * Resource → Process (spec §4.1: resources MUST become Process tags; serviceName from `service.name`). Resource
 * attributes are sent once per batch, never copied onto every span as the OTel JS exporter does.
 */
export function toJaegerProcess(resource: Resource | undefined, extraTags?: Readonly<Record<string, string>>): JaegerProcess {
  const attributes = resource?.attributes ?? {};
  const name = attributes[SERVICE_NAME];
  const tags: JaegerTag[] = [];
  appendAttributeTags(tags, attributes, (key) => key === SERVICE_NAME);
  if (extraTags) for (const key of Object.keys(extraTags)) tags.push(stringTag(key, extraTags[key]));
  return {
    serviceName: typeof name === 'string' && name !== '' ? name : `unknown_service:${process.argv0}`,
    ...(tags.length > 0 ? { tags } : {}),
  };
}
