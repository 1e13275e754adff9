/**
 * One producer per agency for tools that publish several agencies' events at once (the demo, the
 * generator's streams, benchmarks): each agency's principal may write only its own ingress topic
 * (design.md, Security), so each agency's messages go through a client logged in as that agency,
 * with the password read from `<dir>/agency-<code>.password` (`npm run up` generates them in
 * .local/secrets/kafka/users).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kafkaConnection, asPrincipal, type BaseConfig } from '@ipasn/config';
import { BatchProducer, createKafka, withAdmin, type OutMessage } from '@ipasn/kafka';
import { silentLogger } from '@ipasn/logger';
import type { TopicNames } from '@ipasn/pipeline';
import { IoError } from '../errors.js';
import type { MessageSink } from './sender.js';

interface AgencyProducer {
  principal: string;
  producer: BatchProducer;
}

export class AgencyProducers implements MessageSink {
  readonly #producers = new Map<string, Promise<AgencyProducer>>();

  constructor(
    private readonly config: BaseConfig,
    private readonly topics: TopicNames,
    private readonly dir: string,
  ) {}

  /** The principal whose credentials an agency's events are sent with. */
  static principal(code: string): string {
    return `agency-${code}`;
  }

  async send(messages: readonly OutMessage[]): Promise<void> {
    const byAgency = new Map<string, OutMessage[]>();
    for (const m of messages) {
      const code = this.topics.ingressPattern.exec(m.topic)?.[1];
      if (code === undefined) throw new IoError(`${m.topic} is not an ingress topic: agency credentials write ingress topics only`);
      const list = byAgency.get(code) ?? [];
      list.push(m);
      byAgency.set(code, list);
    }
    await Promise.all([...byAgency].map(async ([code, list]) => (await this.#producer(code)).producer.send(list)));
  }

  async close(): Promise<void> {
    const opened = (await Promise.allSettled([...this.#producers.values()])).flatMap((r) => (r.status === 'fulfilled' ? [r.value.producer] : []));
    await Promise.all(opened.map((p) => p.close().catch(() => undefined)));
  }

  #producer(code: string): Promise<AgencyProducer> {
    let p = this.#producers.get(code);
    if (p === undefined) {
      p = this.#open(code);
      this.#producers.set(code, p);
    }
    return p;
  }

  async #open(code: string): Promise<AgencyProducer> {
    const principal = AgencyProducers.principal(code);
    const file = join(this.dir, `${principal}.password`);
    let password: string;
    try {
      password = (await readFile(file, 'utf8')).trim();
    } catch (err) {
      throw new IoError(`no credentials for agency ${code}: cannot read ${file} (${(err as Error).message}); onboard it with infra/scripts/agency-add.sh ${code}`, { cause: err });
    }
    const kafka = createKafka({ ...asPrincipal(kafkaConnection(this.config), principal, password), clientId: `${this.config.KAFKA_CLIENT_ID}-cli-publish-${code}`, logger: silentLogger(), connectionTimeout: 10_000 });
    const topic = this.topics.ingress(code);
    try {
      // The agency sees only the topics it may describe: its own.
      const visible = await withAdmin(kafka, (admin) => admin.listTopics());
      if (!visible.includes(topic)) throw new IoError(`topic ${topic} does not exist or ${principal} may not write it (npm run topics creates topics and ACLs)`);
    } catch (err) {
      if (err instanceof IoError) throw err;
      throw new IoError(`Kafka at ${this.config.KAFKA_BROKERS.join(',')} as ${principal}: ${(err as Error).message}`, { cause: err });
    }
    const producer = new BatchProducer(kafka);
    await producer.connect();
    return { principal, producer };
  }
}
