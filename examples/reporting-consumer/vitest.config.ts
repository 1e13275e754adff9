import { defineConfig } from 'vitest/config';

// Unit tests only (decoding, idempotency, aggregates, the CSV state); the end-to-end check against
// the real pipeline is packages/cli/test/reporting.integration.test.ts.
export default defineConfig({ test: { include: ['test/**/*.test.ts'] } });
