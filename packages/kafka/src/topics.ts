/**
 * The declarative topic list (infra/topics/topics.json) and its idempotent application: create
 * what is missing, grow partitions (Kafka cannot shrink them), bring configs in line.
 */
import { readFile } from 'node:fs/promises';
import { IpasnError, isRetriable } from '@ipasn/errors';
import { withAdmin, type KafkaAdmin } from './admin.js';
import type { KafkaClient } from './client.js';
import { z } from 'zod';

const TopicSpecSchema = z.object({
  name: z.string().regex(/^[a-zA-Z0-9._-]+$/u),
  partitions: z.number().int().positive(),
  config: z.record(z.string(), z.string()).default({}),
  key: z.string().optional(),
  doc: z.string().optional(),
});
export type TopicSpec = z.infer<typeof TopicSpecSchema>;

export const TopicFileSchema = z.object({
  topics: z.array(TopicSpecSchema),
  ingress: z.object({
    pattern: z.literal('ipasn.ingress.<agencyCode>'),
    partitions: z.number().int().positive(),
    config: z.record(z.string(), z.string()).default({}),
    key: z.string().optional(),
    doc: z.string().optional(),
  }),
});
export type TopicFile = z.infer<typeof TopicFileSchema>;

/** The default location of the declarative list, relative to this package. */
export const DEFAULT_TOPICS_FILE = new URL('../../../infra/topics/topics.json', import.meta.url);

export async function readTopicFile(path: string | URL = DEFAULT_TOPICS_FILE): Promise<TopicFile> {
  return TopicFileSchema.parse(JSON.parse(await readFile(path, 'utf8')));
}

/** Every topic the system needs for these agencies. */
export function expandTopics(file: TopicFile, agencyCodes: Iterable<string>, prefix = ''): TopicSpec[] {
  const ingress = [...agencyCodes].sort().map((code) => ({
    name: `${prefix}ipasn.ingress.${code}`,
    partitions: file.ingress.partitions,
    config: file.ingress.config,
  }));
  return [...file.topics.map((t) => ({ ...t, name: prefix + t.name })), ...ingress];
}

export interface ApplyReport {
  created: string[];
  grown: { name: string; from: number; to: number }[];
  reconfigured: string[];
  unchanged: string[];
}

/**
 * Applies the specs and waits until every partition of every spec is served by its leader; safe to
 * run any number of times. Right after a create, KRaft can answer UNKNOWN_TOPIC_OR_PARTITION to
 * metadata and NOT_LEADER_FOR_PARTITION to a first produce or offset request (more often on a busy
 * machine), so a create that fails that way is retried and the call returns only once ListOffsets,
 * which only a leader answers, succeeds everywhere.
 */
export async function applyTopics(kafka: KafkaClient, specs: readonly TopicSpec[], options: { timeoutMs?: number } = {}): Promise<ApplyReport> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  return withAdmin(kafka, async (admin) => {
    let report: ApplyReport | undefined;
    for (;;) {
      try {
        const r = await applyWith(admin, specs);
        // A retry finds what the failed attempt created: keep the first attempt's "created".
        const before = report?.created ?? [];
        report = { ...r, created: [...before, ...r.created], unchanged: r.unchanged.filter((n) => !before.includes(n)) };
        break;
      } catch (err) {
        if (Date.now() > deadline || !isRetriable(err)) throw err;
        await sleep(200);
      }
    }
    await waitServed(admin, specs.map((s) => s.name), deadline);
    return report;
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until every partition of `names` has a leader that answers ListOffsets. */
export async function waitServed(admin: KafkaAdmin, names: readonly string[], deadline: number): Promise<void> {
  if (names.length === 0) return;
  for (;;) {
    try {
      const meta = await admin.topicMetadata(names);
      if (meta.length === names.length && meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) {
        await Promise.all(names.map((n) => admin.topicOffsets(n)));
        return;
      }
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new IpasnError('KAFKA_TOPIC_NOT_SERVED', `topics not served by a leader in time: ${names.join(', ')}`, { retriable: true });
    await sleep(100);
  }
}

async function applyWith(admin: KafkaAdmin, specs: readonly TopicSpec[]): Promise<ApplyReport> {
  const report: ApplyReport = { created: [], grown: [], reconfigured: [], unchanged: [] };
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.name));
  await admin.createTopics(missing.map((s) => ({ name: s.name, partitions: s.partitions, config: s.config })));
  report.created.push(...missing.map((s) => s.name));
  const present = specs.filter((s) => existing.has(s.name));
  if (present.length === 0) return report;

  const meta = await admin.topicMetadata(present.map((s) => s.name));
  const partitionsOf = new Map(meta.map((t) => [t.name, t.partitions.length]));
  const grow = present.filter((s) => (partitionsOf.get(s.name) ?? 0) < s.partitions);
  await admin.createPartitions(grow.map((s) => ({ name: s.name, count: s.partitions })));
  report.grown.push(...grow.map((s) => ({ name: s.name, from: partitionsOf.get(s.name) ?? 0, to: s.partitions })));

  const current = await admin.topicConfigs(present.map((s) => ({ name: s.name, keys: Object.keys(s.config) })));
  const drift = present.filter((s) => Object.entries(s.config).some(([k, v]) => current.get(s.name)?.get(k) !== v));
  // AlterConfigs (non-incremental) replaces a topic's overrides: send the whole declared set.
  await admin.setTopicConfigs(drift.map((s) => ({ name: s.name, config: s.config })));
  report.reconfigured.push(...drift.map((s) => s.name));
  const touched = new Set([...report.grown.map((g) => g.name), ...report.reconfigured]);
  report.unchanged.push(...present.filter((s) => !touched.has(s.name)).map((s) => s.name));
  return report;
}
