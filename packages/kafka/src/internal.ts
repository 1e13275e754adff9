/**
 * The kafkajs client behind a KafkaClient: reachable from the modules of this package only (it is
 * not exported from index.ts), so no caller can hold a kafkajs type.
 */
import type kafkajs from 'kafkajs';

export type RawKafka = InstanceType<typeof kafkajs.Kafka>;

const raws = new WeakMap<object, RawKafka>();

export function bindRaw(client: object, raw: RawKafka): void {
  raws.set(client, raw);
}

export function rawOf(client: object): RawKafka {
  const raw = raws.get(client);
  if (raw === undefined) throw new TypeError('not a KafkaClient made by createKafka');
  return raw;
}
