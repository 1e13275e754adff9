/**
 * Admin operations, behind the adapter's own interface. `withAdmin` connects one admin session,
 * runs the callback and disconnects, whatever happens.
 */
import kafkajs, { type Admin } from 'kafkajs';
import type { KafkaClient } from './client.js';
import { rawOf } from './internal.js';
import type { PartitionOffsets } from './types.js';

const { ConfigResourceTypes, AclResourceTypes, AclOperationTypes, AclPermissionTypes, ResourcePatternTypes } = kafkajs;

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

export type AclResource = 'topic' | 'group' | 'transactional-id' | 'cluster';
export type AclOperation = 'ALL' | 'READ' | 'WRITE' | 'CREATE' | 'DELETE' | 'ALTER' | 'DESCRIBE' | 'DESCRIBE_CONFIGS' | 'ALTER_CONFIGS' | 'IDEMPOTENT_WRITE';

/** One ALLOW rule of the broker's authorizer (this project never writes DENY rules). */
export interface AclBinding {
  /** `User:<name>`. */
  principal: string;
  resource: AclResource;
  /** The resource's name, or a name prefix when `pattern` is `prefixed`. */
  name: string;
  pattern: 'literal' | 'prefixed';
  operation: AclOperation;
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
  /** Every ALLOW binding of a principal (`User:<name>`), or of every principal. */
  describeAcls(principal?: string): Promise<AclBinding[]>;
  createAcls(bindings: readonly AclBinding[]): Promise<void>;
  deleteAcls(bindings: readonly AclBinding[]): Promise<void>;
}

const RESOURCE = { topic: AclResourceTypes.TOPIC, group: AclResourceTypes.GROUP, 'transactional-id': AclResourceTypes.TRANSACTIONAL_ID, cluster: AclResourceTypes.CLUSTER } as const;
const PATTERN = { literal: ResourcePatternTypes.LITERAL, prefixed: ResourcePatternTypes.PREFIXED } as const;
const OPERATION: Record<AclOperation, number> = {
  ALL: AclOperationTypes.ALL,
  READ: AclOperationTypes.READ,
  WRITE: AclOperationTypes.WRITE,
  CREATE: AclOperationTypes.CREATE,
  DELETE: AclOperationTypes.DELETE,
  ALTER: AclOperationTypes.ALTER,
  DESCRIBE: AclOperationTypes.DESCRIBE,
  DESCRIBE_CONFIGS: AclOperationTypes.DESCRIBE_CONFIGS,
  ALTER_CONFIGS: AclOperationTypes.ALTER_CONFIGS,
  IDEMPOTENT_WRITE: AclOperationTypes.IDEMPOTENT_WRITE,
};
const byValue = <K extends string>(table: Record<K, number>, v: number): K | undefined => (Object.keys(table) as K[]).find((k) => table[k] === v);

function toKafkajs(b: AclBinding) {
  return {
    resourceType: RESOURCE[b.resource],
    resourceName: b.name,
    resourcePatternType: PATTERN[b.pattern],
    principal: b.principal,
    host: '*',
    operation: OPERATION[b.operation],
    permissionType: AclPermissionTypes.ALLOW,
  };
}

class Session implements KafkaAdmin {
  constructor(private readonly admin: Admin) {}

  async describeAcls(principal?: string): Promise<AclBinding[]> {
    const r = await this.admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      ...(principal !== undefined ? { principal } : {}),
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ALLOW,
    });
    const out: AclBinding[] = [];
    for (const res of r.resources) {
      const resource = byValue(RESOURCE, res.resourceType);
      const pattern = byValue(PATTERN, res.resourcePatternType);
      if (!resource || !pattern) continue;
      for (const acl of res.acls) {
        const operation = byValue(OPERATION, acl.operation);
        if (operation) out.push({ principal: acl.principal, resource, name: res.resourceName, pattern, operation });
      }
    }
    return out;
  }

  async createAcls(bindings: readonly AclBinding[]): Promise<void> {
    if (bindings.length === 0) return;
    await this.admin.createAcls({ acl: bindings.map(toKafkajs) });
  }

  async deleteAcls(bindings: readonly AclBinding[]): Promise<void> {
    if (bindings.length === 0) return;
    await this.admin.deleteAcls({ filters: bindings.map(toKafkajs) });
  }

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
