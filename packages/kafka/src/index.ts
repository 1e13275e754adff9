export { createKafka, type Kafka, type KafkaClientConfig } from './client.js';
export { BatchProducer, ProducerTransaction, type OutMessage, type BatchProducerOptions } from './producer.js';
export { BatchConsumer, type BatchConsumerOptions, type ChunkContext, type ChunkHandler, type KafkaMessage } from './consumer.js';
export {
  applyTopics,
  expandTopics,
  groupLag,
  readTopicFile,
  DEFAULT_TOPICS_FILE,
  TopicFileSchema,
  type ApplyReport,
  type PartitionLag,
  type TopicFile,
  type TopicSpec,
} from './topics.js';
