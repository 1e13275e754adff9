/** `ipasn publish`'s run (commands/publish.ts registers it): read, check, route, send, summarize. */
import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { TopicNames } from '@ipasn/pipeline';
import { BatchProducer, withAdmin, type KafkaClient } from '@ipasn/kafka';
import { IoError, UsageError } from '../errors.js';
import { BufferedWriter } from '../io.js';
import { agencyList, cliKafka, kafkaEnv, kafkaFailure } from '../kafka-env.js';
import { rateProgress } from '../rate-progress.js';
import { csvEvents, inputFormat, ndjsonEvents, openInput } from './input.js';
import type { InputFormat } from './options.js';
import { PublishPlanner, type InputEvent, type LocalReject } from './planner.js';
import { AgencyProducers } from './agency-producers.js';
import { BatchSender, type MessageSink } from './sender.js';
import { HttpSink } from './http-sink.js';
import { buildSummary, rejectText, summaryText } from './summary.js';

export interface PublishFlags {
  agency?: string;
  format?: InputFormat;
  type?: string;
  delimiter?: string;
  dryRun?: boolean;
  sendInvalid?: boolean;
  batchSize: number;
  agenciesFile?: string;
  json?: boolean;
  rejects?: string;
  emit?: string;
  quiet?: boolean;
  /** A folder of `agency-<code>.password` files: one producer per agency, each as that agency (with --http: `agency-<code>.token` files). */
  credentials?: string;
  /** Send through the HTTP gateway at this URL instead of Kafka. */
  http?: string;
  /** With --http: a CA (PEM file) to trust for https. */
  ca?: string;
}

export async function publish(file: string, flags: PublishFlags): Promise<void> {
  const startedAt = new Date();
  const { config, topics } = kafkaEnv();
  const agencies = await agencyList(flags.agenciesFile ?? config.IPASN_AGENCIES_FILE);
  if (flags.agency !== undefined && !agencies.has(flags.agency)) throw new UsageError(`--agency ${flags.agency} is not in the agency list`);
  const format = inputFormat(file, flags.format);
  if (format !== 'csv' && (flags.type !== undefined || flags.delimiter !== undefined)) throw new UsageError('--type and --delimiter are for CSV input');
  const input = await openInput(file);
  const planner = new PublishPlanner({ agencies, ingestionTime: startedAt, topics, agency: flags.agency, sendInvalid: flags.sendInvalid ?? false });

  let rejectsOut: WriteStream | undefined;
  if (flags.rejects !== undefined) rejectsOut = await openFile(flags.rejects);
  const emitOut = flags.emit === undefined ? undefined : new BufferedWriter(await openFile(flags.emit));

  let kafka: KafkaClient | undefined;
  let producer: BatchProducer | undefined;
  let sink: (MessageSink & { close(): Promise<void> }) | undefined;
  let existing: Set<string> | undefined;
  let http: HttpSink | undefined;
  const credentials = flags.credentials ?? process.env['IPASN_AGENCY_CREDENTIALS_DIR'];
  if (!flags.dryRun && flags.http !== undefined) {
    http = await httpSink(flags, topics, credentials);
    sink = http;
  } else if (!flags.dryRun && credentials !== undefined && credentials !== '') {
    // Each agency's events as that agency (its principal may write only its own topic).
    sink = new AgencyProducers(config, topics, credentials);
  } else if (!flags.dryRun) {
    kafka = cliKafka(config, 'publish');
    producer = new BatchProducer(kafka);
    try {
      existing = await listTopics(kafka);
      await producer.connect();
    } catch (err) {
      await producer.close().catch(() => undefined);
      throw kafkaFailure(config, err);
    }
    sink = producer;
  }

  const progress = rateProgress({ label: flags.dryRun ? 'publish (dry run)' : 'publish', unit: 'events', totalBytes: input.size, silent: flags.quiet ?? false });
  const sender = sink ? new BatchSender(sink, flags.batchSize) : undefined;
  const report = (r: LocalReject): void => {
    const text = flags.json || rejectsOut ? JSON.stringify(r) : rejectText(r);
    if (rejectsOut) rejectsOut.write(`${text}\n`);
    else progress.log(text);
  };
  const events: AsyncIterable<InputEvent | 'empty'> =
    format === 'csv'
      ? csvEvents(input.chunks, { agency: flags.agency, type: flags.type, delimiter: flags.delimiter, defaultTime: startedAt.toISOString() })
      : ndjsonEvents(input.chunks);
  try {
    for await (const item of events) {
      if (item === 'empty') {
        planner.emptyLine();
        continue;
      }
      if (emitOut && item.bytes !== null && emitOut.write(`${item.bytes.toString('utf8')}\n`)) await emitOut.drain();
      const d = planner.decide(item);
      if (d.reject) report(d.reject);
      if (d.send && sender) {
        if (existing && !existing.has(d.send.topic)) {
          throw new IoError(`topic ${d.send.topic} does not exist (create it with npm run topics, or check IPASN_TOPIC_PREFIX); line ${item.line} and later were not sent`);
        }
        await sender.add({ topic: d.send.topic, key: d.send.key, value: d.send.value });
      }
      if (planner.counts.events % 256 === 0) progress.update(planner.counts.events, input.bytesRead, sender ? `${sender.sent} sent` : '');
    }
    await sender?.end();
  } catch (err) {
    progress.stop();
    if (err instanceof UsageError || err instanceof IoError) throw err;
    if (isKafkaError(err)) throw kafkaFailure(config, err);
    throw new IoError(`cannot read ${file === '-' ? 'stdin' : file}: ${(err as Error).message}`, { cause: err });
  } finally {
    await sink?.close().catch(() => undefined);
    if (rejectsOut) await closeStream(rejectsOut);
    await emitOut?.end();
  }
  if (emitOut?.error) throw new IoError(`cannot write ${flags.emit}: ${emitOut.error.message}`);
  if (http && http.rejectedTotal > 0) {
    progress.log(`the gateway rejected ${http.rejectedTotal} event(s), stored for the DLQ: ${[...http.rejected].map(([r, n]) => `${r} ${n}`).join(', ')}`);
  }
  progress.update(planner.counts.events, input.bytesRead, sender ? `${sender.sent} sent` : '');
  progress.stop();

  const summary = buildSummary(
    {
      input: file,
      format,
      dryRun: flags.dryRun ?? false,
      sendInvalid: flags.sendInvalid ?? false,
      sent: sender?.sent ?? 0,
      requests: http?.requests ?? sender?.requests ?? 0,
      ms: Date.now() - startedAt.getTime(),
    },
    planner.counts,
    planner.expected(),
    topics,
  );
  process.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : summaryText(summary));
}

/** The gateway transport: tokens from --credentials DIR (one per agency) or IPASN_GATEWAY_TOKEN(_FILE). */
async function httpSink(flags: PublishFlags, topics: TopicNames, credentials: string | undefined): Promise<HttpSink> {
  const caFile = flags.ca ?? process.env['IPASN_GATEWAY_CA_FILE'];
  const read = async (file: string, what: string): Promise<string> => {
    try {
      return (await readFile(file, 'utf8')).trim();
    } catch (err) {
      throw new IoError(`cannot read ${what} ${file}: ${(err as Error).message}`, { cause: err });
    }
  };
  const ca = caFile !== undefined && caFile !== '' ? await read(caFile, 'the CA certificate') : undefined;
  const tokenFile = process.env['IPASN_GATEWAY_TOKEN_FILE'];
  const token = process.env['IPASN_GATEWAY_TOKEN'] ?? (tokenFile ? await read(tokenFile, 'the gateway token') : undefined);
  let tokens: { dir: string } | { token: string };
  if (flags.credentials !== undefined || (token === undefined && credentials)) tokens = { dir: credentials! };
  else if (token !== undefined) tokens = { token };
  else throw new UsageError('--http needs the agency’s API token: --credentials DIR (agency-<code>.token files) or IPASN_GATEWAY_TOKEN(_FILE)');
  return new HttpSink({ url: flags.http!, topics, tokens, ...(ca !== undefined ? { ca } : {}), maxEvents: flags.batchSize });
}

async function listTopics(kafka: KafkaClient): Promise<Set<string>> {
  return new Set(await withAdmin(kafka, (admin) => admin.listTopics()));
}

function isKafkaError(err: unknown): boolean {
  return err instanceof Error && err.name.startsWith('KafkaJS');
}

async function openFile(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path);
  try {
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
  } catch (err) {
    throw new IoError(`cannot write ${path}: ${(err as Error).message}`, { cause: err });
  }
  return stream;
}

function closeStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => stream.end(resolve));
}
