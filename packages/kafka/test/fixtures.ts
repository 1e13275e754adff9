import { randomUUID } from 'node:crypto';
import { test as base } from 'vitest';
import { silentLogger } from '@ipasn/logger';
import { applyTopics, createKafka, withAdmin, type KafkaClient } from '../src/index.js';
import { kafkaConnection, loadConfig } from '@ipasn/config';

export const KAFKA = kafkaConnection(loadConfig(process.env));

interface Fixtures {
  kafka: KafkaClient;
  /** Creates a uniquely named topic, deleted when the test finishes. */
  topic: (partitions: number) => Promise<string>;
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  kafka: async ({}, use) => {
    await use(createKafka({ ...KAFKA, clientId: 'kafka-adapter-test', logger: silentLogger() }));
  },
  topic: async ({ kafka }, use) => {
    const created: string[] = [];
    await use(async (partitions) => {
      const name = `test-${randomUUID()}`;
      await applyTopics(kafka, [{ name, partitions, config: {} }]);
      created.push(name);
      return name;
    });
    await withAdmin(kafka, (admin) => admin.deleteTopics(created));
  },
});

/** Polls `cond` every 50 ms until it holds; fails after `ms`. */
export async function until(cond: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
