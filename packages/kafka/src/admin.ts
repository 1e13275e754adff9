/**
 * Admin operations, behind the adapter's own interface. `withAdmin` connects one admin session,
 * runs the callback and disconnects, whatever happens.
 */
import kafkajs, { type Admin } from 'kafkajs';
import type { KafkaClient } from './client.js';
import { rawOf } from './internal.js';
import type { PartitionOffsets } from './types.js';

const { ConfigResourceTypes } = kafkajs;

export interface TopicPartitionInfo {
  partition: number;
  /** Node id of the leader; -1 while there is none. */
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface TopicInfo {
  name: string;
  partitions: TopicPartitionInfo[];
}

export interface GroupInfo {
  groupId: string;
  /** Kafka's group state (Stable, Empty, Dead, PreparingRebalance, …). */
  state: string;
  members: number;
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  /** The next offset the group will read; "-1" when it never committed. */
  offset: string;
}

export interface NewTopic {
  name: string;
  partitions: number;
  config: Record<string, string>;
}

export interface ClusterInfo {
  brokers: { nodeId: number; host: string; port: number }[];
  controller: number | null;
}

export interface KafkaAdmin {
  listTopics(): Promise<string[]>;
  /** Low watermark and end offset per partition, sorted by partition. */
  topicOffsets(topic: string): Promise<PartitionOffsets[]>;
  topicMetadata(topics: readonly string[]): Promise<TopicInfo[]>;
  createTopics(topics: readonly NewTopic[]): Promise<void>;
  /** Grows topics to `count` partitions. */
  createPartitions(topics: readonly { name: string; count: number }[]): Promise<void>;
  /** The named config entries of each topic. */
  topicConfigs(topics: readonly { name: string; keys: readonly string[] }[]): Promise<Map<string, Map<string, string>>>;
  /** Replaces each topic's overrides with the given set (AlterConfigs, not incremental). */
  setTopicConfigs(topics: readonly { name: string; config: Record<string, string> }[]): Promise<void>;
  deleteTopics(topics: readonly string[]): Promise<void>;
  listGroups(): Promise<string[]>;
  describeGroups(groupIds: readonly string[]): Promise<GroupInfo[]>;
  /** Deletes groups (they must be empty). */
  deleteGroups(groupIds: readonly string[]): Promise<void>;
  groupOffsets(groupId: string, topics: readonly string[]): Promise<CommittedOffset[]>;
  /** Moves an inactive group's committed offsets (operators' tool; tests). */
  setGroupOffsets(groupId: string, topic: string, partitions: readonly { partition: number; offset: string }[]): Promise<void>;
  cluster(): Promise<ClusterInfo>;
}

class Session implements KafkaAdmin {
  constructor(private readonly admin: Admin) {}

  listTopics(): Promise<string[]> {
    return this.admin.listTopics();
  }

  async topicOffsets(topic: string): Promise<PartitionOffsets[]> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return offsets.map((o) => ({ partition: o.partition, low: o.low, high: o.high })).sort((a, b) => a.partition - b.partition);
  }

  async topicMetadata(topics: readonly string[]): Promise<TopicInfo[]> {
    const meta = await this.admin.fetchTopicMetadata({ topics: [...topics] });
    return meta.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions
        .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr }))
        .sort((a, b) => a.partition - b.partition),
    }));
  }

  async createTopics(topics: readonly NewTopic[]): Promise<void> {
    if (topics.length === 0) return;
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor: -1,
        configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
      })),
    });
  }

  async createPartitions(topics: readonly { name: string; count: number }[]): Promise<void> {
    if (topics.length === 0) return;
    await this.admin.createPartitions({ topicPartitions: topics.map((t) => ({ topic: t.name, count: t.count })) });
  }

  async topicConfigs(topics: readonly { name: string; keys: readonly string[] }[]): Promise<Map<string, Map<string, string>>> {
    if (topics.length === 0) return new Map();
    const described = await this.admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: t.name, configNames: [...t.keys] })),
    });
    return new Map(described.resources.map((r) => [r.resourceName, new Map(r.configEntries.map((e) => [e.configName, e.configValue]))]));
  }

  async setTopicConfigs(topics: readonly { name: string; config: Record<string, string> }[]): Promise<void> {
    if (topics.length === 0) return;
    await this.admin.alterConfigs({
      validateOnly: false,
      resources: topics.map((t) => ({
        type: ConfigResourceTypes.TOPIC,
        name: t.name,
        configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
      })),
    });
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return;
    await this.admin.deleteTopics({ topics: [...topics], timeout: 30_000 });
  }

  async listGroups(): Promise<string[]> {
    return (await this.admin.listGroups()).groups.map((g) => g.groupId);
  }

  async describeGroups(groupIds: readonly string[]): Promise<GroupInfo[]> {
    if (groupIds.length === 0) return [];
    const { groups } = await this.admin.describeGroups([...groupIds]);
    return groups.map((g) => ({ groupId: g.groupId, state: g.state, members: g.members.length }));
  }

  async deleteGroups(groupIds: readonly string[]): Promise<void> {
    if (groupIds.length === 0) return;
    await this.admin.deleteGroups([...groupIds]);
  }

  async groupOffsets(groupId: string, topics: readonly string[]): Promise<CommittedOffset[]> {
    if (topics.length === 0) return [];
    const committed = await this.admin.fetchOffsets({ groupId, topics: [...topics] });
    return committed.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: p.offset })));
  }

  async setGroupOffsets(groupId: string, topic: string, partitions: readonly { partition: number; offset: string }[]): Promise<void> {
    await this.admin.setOffsets({ groupId, topic, partitions: [...partitions] });
  }

  async cluster(): Promise<ClusterInfo> {
    const c = await this.admin.describeCluster();
    return { brokers: c.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })), controller: c.controller };
  }
}

/** Runs `fn` with a connected admin session, disconnected afterwards whatever happens. */
export async function withAdmin<T>(kafka: KafkaClient, fn: (admin: KafkaAdmin) => Promise<T>): Promise<T> {
  const admin = rawOf(kafka).admin();
  await admin.connect();
  try {
    return await fn(new Session(admin));
  } finally {
    await admin.disconnect();
  }
}
