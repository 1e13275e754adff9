/**
 * The Kafka adapter's contract (like bullmq's one backend interface): a client factory, a typed
 * batch producer and transactional producer, the chunked consumer runner, admin sessions, group
 * lag, range reads and the declarative topic list. Nothing here exposes a kafkajs type.
 */
export { createKafka, KafkaClient, type KafkaClientConfig } from './client.js';
export { applyAcls, expandAcls, readAclFile, AclFileSchema, DEFAULT_ACLS_FILE, type AclFile, type AclReport } from './acls.js';
export { withAdmin, type KafkaAdmin, type AclBinding, type AclOperation, type AclResource, type TopicInfo, type TopicPartitionInfo, type GroupInfo, type CommittedOffset, type NewTopic, type ClusterInfo } from './admin.js';
export { TransactionalProducers, type ChunkCommit } from './transactional.js';
export { BatchProducer, ProducerTransaction, RecordTooLargeError, planRequests, recordBytes, topicByteLimit, RECORD_BATCH_OVERHEAD, TOPIC_BYTE_LIMITS, type BatchProducerOptions } from './producer.js';
export { BatchConsumer, type BatchConsumerOptions, type ChunkContext, type ChunkHandler } from './consumer.js';
export { groupLag, type PartitionLag, type GroupLagOptions } from './lag.js';
export { readRange, readToEnd, collectRange, ReadTimeoutError, type ReadRequest, type ReadOptions, type ReadToEndOptions, type RangeResult } from './read.js';
export { CONSUMER_LAG_METRIC, CONSUMER_LAG_SECONDS_METRIC, consumerLagGauge, type MetricsRegistry } from './metrics.js';
export { headerStrings, type InMessage, type OutMessage, type PartitionOffsets } from './types.js';
export {
  applyTopics,
  expandTopics,
  readTopicFile,
  waitServed,
  DEFAULT_TOPICS_FILE,
  TopicFileSchema,
  type ApplyReport,
  type TopicFile,
  type TopicSpec,
} from './topics.js';
