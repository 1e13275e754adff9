/**
 * docs/asyncapi.yaml is documentation that must not drift: every schema version, every topic of
 * infra/topics/topics.json, every reference and every service's side of each channel is checked.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SchemaRegistry } from '../src/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DOC_PATH = join(ROOT, 'docs/asyncapi.yaml');
const doc = parse(readFileSync(DOC_PATH, 'utf8')) as AsyncApi;
const registry = SchemaRegistry.load();

interface Message {
  contentType?: string;
  'x-fingerprint'?: string;
  payload?: { schemaFormat?: string; schema?: { $ref?: string } };
}
interface Channel {
  address: string;
  messages: Record<string, { $ref: string }>;
  bindings?: { kafka?: { partitions?: number; topicConfiguration?: Record<string, unknown> } };
}
interface Operation {
  action: 'send' | 'receive';
  channel: { $ref: string };
  tags?: { name: string }[];
}
interface AsyncApi {
  asyncapi: string;
  channels: Record<string, Channel>;
  operations: Record<string, Operation>;
  components: { messages: Record<string, Message> };
}
interface TopicSpec {
  name: string;
  partitions: number;
  config: Record<string, string>;
}

/** design.md's topic table, for when infra/topics/topics.json is not there. */
const DESIGN_TOPICS = ['ipasn.ingress.<agencyCode>', 'ipasn.events', 'ipasn.scores', 'ipasn.scores.latest', 'ipasn.dlq'];
const TOPICS_FILE = join(ROOT, 'infra/topics/topics.json');
const topicFile = existsSync(TOPICS_FILE)
  ? (JSON.parse(readFileSync(TOPICS_FILE, 'utf8')) as { topics: TopicSpec[]; ingress: Omit<TopicSpec, 'name'> & { pattern: string } })
  : undefined;
const topics: TopicSpec[] = topicFile
  ? [...topicFile.topics, { ...topicFile.ingress, name: topicFile.ingress.pattern }]
  : DESIGN_TOPICS.map((name) => ({ name, partitions: 0, config: {} }));

/** Follows a local `#/a/b` reference. */
function local(ref: string): unknown {
  expect(ref.startsWith('#/'), `${ref} is a local reference`).toBe(true);
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
}

function allRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => allRefs(n, out));
  else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else allRefs(v, out);
    }
  }
  return out;
}

const addressOf = (topic: string): string => topic.replace('<agencyCode>', '{agencyCode}');

describe('docs/asyncapi.yaml', () => {
  it('is AsyncAPI 3.0.0', () => {
    expect(doc.asyncapi).toBe('3.0.0');
  });

  it('resolves every reference, local or to a file', () => {
    for (const ref of allRefs(doc)) {
      if (ref.startsWith('#/')) expect(local(ref), `${ref} resolves`).toBeDefined();
      else expect(existsSync(resolve(dirname(DOC_PATH), ref)), `${ref} exists`).toBe(true);
    }
  });

  it('publishes every schema version in schemas/ as an Avro message with its fingerprint', () => {
    const messages = Object.values(doc.components.messages);
    for (const subject of registry.subjects()) {
      for (const v of registry.versions(subject)) {
        const ref = `../schemas/${v.file}`;
        const using = messages.filter((m) => m.payload?.schema?.$ref === ref);
        expect(using.length, `a message with payload ${ref}`).toBeGreaterThan(0);
        for (const m of using) {
          expect(m.payload?.schemaFormat).toBe('application/vnd.apache.avro+json;version=1.9.0');
          expect(m.contentType).toBe('application/avro');
          expect(m['x-fingerprint'], `x-fingerprint of ${ref}`).toBe(v.fingerprint);
        }
      }
    }
  });

  it.each(topics.map((t) => [t.name, t] as const))('documents topic %s with its partitions and cleanup policy', (_name, topic) => {
    const channel = Object.values(doc.channels).find((c) => c.address === addressOf(topic.name));
    expect(channel, `a channel with address ${addressOf(topic.name)}`).toBeDefined();
    if (!topicFile) return;
    const kafka = channel!.bindings?.kafka;
    expect(kafka?.partitions).toBe(topic.partitions);
    expect(kafka?.topicConfiguration?.['cleanup.policy']).toEqual(topic.config['cleanup.policy']?.split(','));
    const retention = topic.config['retention.ms'];
    expect(kafka?.topicConfiguration?.['retention.ms']).toBe(retention === undefined ? undefined : Number(retention));
  });

  it("names the design's topics", () => {
    const addresses = Object.values(doc.channels).map((c) => c.address);
    for (const topic of DESIGN_TOPICS) expect(addresses).toContain(addressOf(topic));
  });

  it('says which service sends and which receives each channel', () => {
    const services = new Set<string>();
    for (const [name, channel] of Object.entries(doc.channels)) {
      const ops = Object.values(doc.operations).filter((o) => o.channel.$ref === `#/channels/${name}`);
      expect(ops.some((o) => o.action === 'send'), `a sender of ${channel.address}`).toBe(true);
      expect(ops.some((o) => o.action === 'receive'), `a receiver of ${channel.address}`).toBe(true);
      for (const o of ops) {
        expect(o.tags?.length, `operations on ${channel.address} are tagged with their service`).toBe(1);
        services.add(o.tags![0]!.name);
      }
    }
    for (const service of ['normalizer', 'scorer', 'projector', 'console', 'reporting']) expect(services).toContain(service);
  });
});
