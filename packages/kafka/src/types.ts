/**
 * The adapter's own message types: nothing outside this package sees a kafkajs type, so a change
 * of Kafka client is this package's work alone (design.md). They mirror what every Kafka client
 * offers; offsets are decimal strings (int64 on the wire).
 */

/** A message read from a topic. */
export interface InMessage {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
  /** Epoch ms of the record (producer or broker time, by the topic's timestamp type), as a string. */
  timestamp: string;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

/** A message to produce. */
export interface OutMessage {
  topic: string;
  key: Buffer | string | null;
  value: Buffer | null;
  headers?: Record<string, string | Buffer>;
  /** Explicit partition; the default murmur2 partitioner (Java-compatible) chooses otherwise. */
  partition?: number;
}

/** Low watermark and end offset of one partition (read_committed: the last stable offset). */
export interface PartitionOffsets {
  partition: number;
  low: string;
  high: string;
}

/** Header values as strings (the last value when a header repeats). */
export function headerStrings(m: Pick<InMessage, 'headers'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (last !== undefined) out[k] = last.toString();
  }
  return out;
}
