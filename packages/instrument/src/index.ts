export { withSpan, type WithSpanOptions } from './with-span';
export { traced, type TracedOptions, type TracedMethodDecorator } from './traced';
export { setResource, RESOURCE_NAME_ATTRIBUTE } from './resource';
export { injectContext, extractContext, withConsumerSpan, type ConsumerSpanOptions } from './messaging';
export {
  stringMapAdapter,
  sqsAttributesAdapter,
  amqpHeadersAdapter,
  kafkaHeadersAdapter,
  type CarrierAdapter,
  type StringMap,
  type SqsMessageAttribute,
  type SqsMessageAttributes,
  type AmqpHeaders,
  type KafkaHeaders,
} from './carriers';
