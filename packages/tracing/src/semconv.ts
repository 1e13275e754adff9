/**
 * The OpenTelemetry messaging semantic conventions this package writes. They are incubating in
 * @opentelemetry/semantic-conventions 1.45 (its `/incubating` entry point), whose own advice is to
 * copy such constants rather than import that entry (~17,000 exports, unstable across minor
 * releases); test/semconv.test.ts checks these copies against it. Since semconv 1.27 the producer
 * operation is `send` (`publish` is deprecated) and the Kafka offset and key are `kafka.offset` and
 * `kafka.message.key` (`messaging.kafka.*` are deprecated).
 */
export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_MESSAGING_DESTINATION_PARTITION_ID = 'messaging.destination.partition.id';
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';
export const ATTR_MESSAGING_CONSUMER_GROUP_NAME = 'messaging.consumer.group.name';
export const ATTR_KAFKA_OFFSET = 'kafka.offset';
export const ATTR_KAFKA_MESSAGE_KEY = 'kafka.message.key';
export const MESSAGING_SYSTEM_VALUE_KAFKA = 'kafka';
export const MESSAGING_OPERATION_TYPE_VALUE_SEND = 'send';
export const MESSAGING_OPERATION_TYPE_VALUE_PROCESS = 'process';
