/** `ipasn tail`'s run (commands/tail.ts registers it). */
import { randomUUID } from 'node:crypto';
import { BatchConsumer, withAdmin, type InMessage, type KafkaClient } from '@ipasn/kafka';
import { silentLogger } from '@ipasn/logger';
import { SchemaRegistry } from '@ipasn/serde';
import { BufferedWriter } from '../io.js';
import { cliKafka, kafkaEnv, kafkaFailure } from '../kafka-env.js';
import { deadLetterJson, deadLetterLine, scoreJson, scoreLine, type Coordinates } from './format.js';

export type Stream = 'scores' | 'dlq';

export interface TailFlags {
  agency?: string;
  fromBeginning?: boolean;
  json?: boolean;
  max?: number;
}

async function endOffsets(kafka: KafkaClient, topic: string): Promise<{ partition: number; offset: string }[]> {
  return (await withAdmin(kafka, (admin) => admin.topicOffsets(topic))).map((p) => ({ partition: p.partition, offset: p.high }));
}

async function deleteGroup(kafka: KafkaClient, groupId: string): Promise<void> {
  // An empty group without committed offsets also expires on its own.
  await withAdmin(kafka, (admin) => admin.deleteGroups([groupId])).catch(() => undefined);
}

export async function tail(stream: Stream, flags: TailFlags): Promise<void> {
  const { config, topics } = kafkaEnv();
  const topic = stream === 'scores' ? topics.scores : topics.dlq;
  const registry = SchemaRegistry.load();
  const kafka = cliKafka(config, 'tail');
  const out = new BufferedWriter(process.stdout);
  const groupId = `${topics.prefix}ipasn-cli-tail-${randomUUID().slice(0, 8)}`;
  let printed = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const onSignal = (): void => finish();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const print = (m: InMessage, partition: number): void => {
    if (m.value === null || (flags.max !== undefined && printed >= flags.max)) return;
    const c: Coordinates = { topic, partition, offset: m.offset, key: m.key?.toString('utf8') ?? null };
    let line: string | undefined;
    try {
      if (stream === 'scores') {
        const s = registry.decodeAs('ScoreEvent', m.value).value;
        if (flags.agency === undefined || s.agencyCode === flags.agency || s.previousAgencyCode === flags.agency) line = flags.json ? scoreJson(c, s) : scoreLine(s);
      } else {
        const dl = registry.decodeAs('DeadLetter', m.value).value;
        if (flags.agency === undefined || dl.agencyCode === flags.agency) line = flags.json ? deadLetterJson(c, dl) : deadLetterLine(dl);
      }
    } catch (err) {
      process.stderr.write(`ipasn: ${topic}/${partition}/${m.offset}: cannot decode: ${(err as Error).message}\n`);
      return;
    }
    if (line === undefined) return;
    out.write(`${line}\n`);
    printed += 1;
    if (flags.max !== undefined && printed >= flags.max) finish();
  };

  let consumer: BatchConsumer | undefined;
  try {
    const ends = flags.fromBeginning ? [] : await endOffsets(kafka, topic);
    consumer = new BatchConsumer({
      kafka,
      groupId,
      topics: [topic],
      fromBeginning: flags.fromBeginning ?? false,
      commit: 'none',
      logger: silentLogger(),
      sessionTimeout: 10_000,
      handler: async (messages, ctx) => {
        for (const m of messages) print(m, ctx.partition);
        // Each chunk goes out at once: a tail is read live.
        await out.end();
      },
      onFatal: (err) => {
        process.stderr.write(`ipasn: the consumer stopped: ${err.message}\n`);
        finish();
      },
    });
    await consumer.start();
    for (const e of ends) consumer.seek(topic, e.partition, e.offset);
    process.stderr.write(`following ${topic}${flags.agency ? ` (agency ${flags.agency})` : ''}${flags.fromBeginning ? ' from the beginning' : ''}; Ctrl-C to stop\n`);
    await finished;
  } catch (err) {
    throw kafkaFailure(config, err);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await consumer?.stop().catch(() => undefined);
    await deleteGroup(kafka, groupId);
    await out.end();
  }
}
