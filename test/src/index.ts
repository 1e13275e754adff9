/**
 * @ipasn/e2e — the end-to-end harness: real Kafka and Redis, services as child processes, one
 * private namespace per test. See test/README.md.
 */
export { REPO_ROOT, KAFKA_BROKERS, REDIS_URL, KAFKA, REDIS, testKafka, testRedis, sleep } from './env.js';
export { KEEP_ON_FAILURE, onFinished } from './cleanup.js';
export {
  testNamespace,
  createTopics,
  createIngressTopic,
  deleteTopics,
  deleteGroups,
  deleteRedisKeys,
  deleteNamespace,
  type CreateTopicsOptions,
} from './namespace.js';
export { startService, serviceMain, type ServiceHandle, type ServiceName, type StartServiceOptions, type ExitInfo } from './service.js';
export { publishNdjson, publishLines, readLines, nipKey, type PublishOptions, type PublishResult, type NdjsonLine } from './publish.js';
export { readAll, scanTopic, ScanTimeoutError, topicOffsets, headersOf, decoders, avro, type ReadRecord, type ReadOptions, type ScanOptions, type Decoder, type PartitionRange } from './read.js';
export { waitForDrain, groupProgress, committedTotal, type PartitionProgress, type DrainOptions } from './drain.js';
export {
  generateStream,
  readExpectations,
  normalizerExpectation,
  cliMain,
  NORMALIZER_REASONS,
  type GenerateOptions,
  type GeneratedStream,
  type GeneratorSummary,
  type Expectation,
  type NormalizerExpectation,
  type NormalizerReason,
} from './generate.js';
export { parseMetrics, metricSum, type Sample } from './metrics.js';
export { freezeInsideTransaction, type FreezeResult } from './crash.js';
export { prng } from './random.js';
export { startOtlpReceiver, decodeOtlpJson, OTLP_KIND, type OtlpReceiver, type ReceivedSpan } from './otlp.js';
