import { defineConfig } from 'vitest/config';

// Integration tests share one broker and one Redis on 2 cores: run files one after another.
export default defineConfig({ test: { fileParallelism: false, testTimeout: 120_000, hookTimeout: 60_000 } });
