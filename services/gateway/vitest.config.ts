import { defineConfig } from 'vitest/config';

// Acceptance tests against the real Kafka and Redis, with the service as a child process: one file
// at a time (one broker, 2 cores), generous timeouts.
export default defineConfig({ test: { fileParallelism: false, testTimeout: 300_000, hookTimeout: 60_000 } });
