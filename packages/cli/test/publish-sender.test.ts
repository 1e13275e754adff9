/**
 * BatchSender's patience with a broker outage (the chaos harness found `ipasn publish` gave up
 * after kafkajs's ~25 s reconnect budget): a batch that failed on a connection loss is sent again
 * until it goes through or the outage outlasts `outageMs`; anything else fails at once.
 */
import { describe, expect, it } from 'vitest';
import type { OutMessage } from '@ipasn/kafka';
import { BatchSender, isOutage, type MessageSink } from '../src/publish/sender.js';

const exhausted = () => Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:19092'), { name: 'KafkaJSNumberOfRetriesExceeded', retriable: false });
const denied = () => Object.assign(new Error('Not authorized to access topics: [Topic authorization failed]'), { name: 'KafkaJSProtocolError', retriable: false, type: 'TOPIC_AUTHORIZATION_FAILED' });

class FlakySink implements MessageSink {
  readonly delivered: string[] = [];
  constructor(private failures: (() => Error)[]) {}
  send(messages: readonly OutMessage[]): Promise<void> {
    const next = this.failures.shift();
    if (next) return Promise.reject(next());
    this.delivered.push(...messages.map((m) => String(m.key)));
    return Promise.resolve();
  }
}

const msg = (k: string): OutMessage => ({ topic: 'ipasn.ingress.3004', key: k, value: Buffer.from(k) });

describe('BatchSender during a broker outage', () => {
  it('sends a batch again after connection losses, with growing waits, and tells the user', async () => {
    const sink = new FlakySink([exhausted, exhausted]);
    const waits: number[] = [];
    const told: number[] = [];
    let clock = 0;
    const sender = new BatchSender(sink, 2, undefined, { sleep: (ms) => {
        waits.push(ms);
        clock += ms;
        return Promise.resolve();
      }, now: () => clock, onRetry: (_e, attempt) => void told.push(attempt) });
    for (const k of ['a', 'b', 'c']) await sender.add(msg(k));
    await sender.end();
    expect(sink.delivered).toEqual(['a', 'b', 'c']);
    expect(sender.sent).toBe(3);
    expect(waits).toEqual([500, 1000]);
    expect(told).toEqual([1, 2]);
  });

  it('gives up when the outage outlasts outageMs, and at once on an error that is not an outage', async () => {
    let clock = 0;
    const forever = new FlakySink(Array.from({ length: 100 }, () => exhausted));
    const patient = new BatchSender(forever, 10, undefined, { outageMs: 20_000, sleep: (ms) => {
        clock += ms;
        return Promise.resolve();
      }, now: () => clock });
    await patient.add(msg('a'));
    await expect(patient.end()).rejects.toThrow(/ECONNREFUSED/u);
    expect(clock).toBeGreaterThanOrEqual(20_000);
    expect(clock).toBeLessThan(40_000);

    const sink = new FlakySink([denied]);
    const sender = new BatchSender(sink, 10, undefined, { sleep: () => Promise.reject(new Error('must not wait')) });
    await sender.add(msg('a'));
    await expect(sender.end()).rejects.toThrow(/Not authorized/u);
  });

  it('tells outages from other failures', () => {
    expect(isOutage(exhausted())).toBe(true);
    expect(isOutage(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isOutage(denied())).toBe(false);
    expect(isOutage(new TypeError('x is not a function'))).toBe(false);
  });
});
