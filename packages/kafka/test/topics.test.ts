import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { applyTopics, expandTopics, readTopicFile, withAdmin, type TopicSpec } from '../src/index.js';
import { test } from './fixtures.js';

describe('the declarative topic list', () => {
  test('declares the design topics and one ingress topic per agency', async () => {
    const file = await readTopicFile();
    const names = expandTopics(file, ['3004', '4011']).map((t) => t.name);
    expect(names).toEqual(['ipasn.events', 'ipasn.scores', 'ipasn.scores.latest', 'ipasn.dlq', 'ipasn.ingress.3004', 'ipasn.ingress.4011']);
    const byName = new Map(expandTopics(file, []).map((t) => [t.name, t]));
    expect(byName.get('ipasn.events')?.config['retention.ms']).toBe('-1');
    expect(byName.get('ipasn.scores.latest')?.config['cleanup.policy']).toBe('compact');
    expect(byName.get('ipasn.events')?.partitions).toBe(12);
  });

  test(
    'applies idempotently: creates, then leaves alone, then grows partitions and fixes drifted configs',
    async ({ kafka }) => {
      const name = `test-${randomUUID()}`;
      const spec: TopicSpec = { name, partitions: 2, config: { 'cleanup.policy': 'compact' } };
      try {
        expect((await applyTopics(kafka, [spec])).created).toEqual([name]);
        expect((await applyTopics(kafka, [spec])).unchanged).toEqual([name]);
        const changed = await applyTopics(kafka, [{ ...spec, partitions: 4, config: { 'cleanup.policy': 'delete' } }]);
        expect(changed.grown).toEqual([{ name, from: 2, to: 4 }]);
        expect(changed.reconfigured).toEqual([name]);
        expect((await applyTopics(kafka, [{ ...spec, partitions: 4, config: { 'cleanup.policy': 'delete' } }])).unchanged).toEqual([name]);
      } finally {
        await withAdmin(kafka, (admin) => admin.deleteTopics([name]));
      }
    },
    60_000,
  );
});
