/**
 * Redis's doors (design.md, Security; infra/redis/users.acl): the `default` user is off, each
 * service's user reaches only its own keys, the console's reads everything and writes only its
 * own `console:` keys. Each refusal sits next to the same user's success on its own keys.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { AggregateStore } from '@ipasn/aggregates';
import { scoreEvent } from '@ipasn/aggregates/testing';
import { createRedis } from '@ipasn/redis';
import { silentLogger } from '@ipasn/logger';
import { deleteRedisKeys, REDIS, testNamespace } from '../src/index.js';
import { redisUsers } from './redis-users.js';

const ns = testNamespace();
const users = redisUsers();
const as = users.as;

/** 'OK'/the reply, or the refusal's first word (NOPERM, NOAUTH, WRONGPASS). */
async function attempt(run: () => Promise<unknown>): Promise<string> {
  try {
    return String(await run());
  } catch (err) {
    return (err as Error).message.split(' ')[0] ?? 'error';
  }
}

afterAll(async () => {
  await users.close();
  await deleteRedisKeys(ns);
});

describe('Redis: one ACL user per service', () => {
  it('refuses the default user', async () => {
    const anonymous = createRedis({ url: REDIS.url, logger: silentLogger(), maxRetriesPerRequest: 1, lazyConnect: true } as never);
    users.track(anonymous);
    expect(await attempt(() => anonymous.set(`${ns}agg:{3004}:meta`, '1'))).toMatch(/NOAUTH|NOPERM/u);
  });

  it('the console reads every key but writes only its own', async () => {
    const admin = as('admin');
    await admin.set(`${ns}agg:{3004}:meta`, 'written by the projector');
    const console = as('console');
    expect(await attempt(() => console.get(`${ns}agg:{3004}:meta`))).toBe('written by the projector');
    expect(await attempt(() => console.set(`${ns}agg:{3004}:meta`, 'forged'))).toBe('NOPERM');
    expect(await attempt(() => console.del(`${ns}agg:{3004}:meta`))).toBe('NOPERM');
    expect(await attempt(() => console.set(`${ns}console:stale:3004`, '1'))).toBe('OK');
    expect(await attempt(() => console.flushall())).toBe('NOPERM');
  });

  it("a service's user cannot touch another service's keys", async () => {
    // The scorer may delete (never read) a dedupe mark: it clears the mark of an event it rejects.
    const cases: { user: string; own: string; others: string[]; writeOnly?: string[] }[] = [
      { user: 'normalizer', own: `${ns}dedupe:/agencies/3004:e1`, others: [`${ns}emp:199001012020121001`, `${ns}agg:{3004}:meta`, `${ns}rulesets:scored`] },
      { user: 'scorer', own: `${ns}emp:199001012020121001`, others: [`${ns}agg:{3004}:meta`], writeOnly: [`${ns}dedupe:/agencies/3004:e1`] },
      // The rule-set status: the scorer records what it has computed, `ipasn rescore` (cli) marks a run's rule sets.
      { user: 'scorer', own: `${ns}rulesets:computing`, others: [] },
      { user: 'cli', own: `${ns}rulesets:computing`, others: [`${ns}gateway:ratelimit:3004`] },
      { user: 'projector', own: `${ns}agg:{3004}:meta`, others: [`${ns}emp:199001012020121001`, `${ns}dedupe:/agencies/3004:e1`, `${ns}rulesets:scored`] },
    ];
    // The scorer keeps the held-events index beside the states (one Lua script writes both); the others may not.
    expect(await attempt(() => as('scorer').hset(`${ns}held:nips`, '199001012020121001', '{"3004":1}'))).toBe('1');
    expect(await attempt(() => as('projector').hset(`${ns}held:nips`, '199001012020121001', '{}'))).toBe('NOPERM');
    // `ipasn rebuild` (cli) drops and replays the employee states and the held index (docs/runbooks.md, redis-epoch).
    expect(await attempt(() => as('cli').set(`${ns}emp:199001012020121002`, '1|x'))).toBe('OK');
    expect(await attempt(() => as('cli').unlink(`${ns}emp:199001012020121002`))).toBe('1');
    expect(await attempt(() => as('cli').hset(`${ns}held:nips`, '199001012020121002', '{}'))).toBe('1');
    // `ipasn rebuild` (cli) restores the normalizer's dedupe marks and deletes those of the events the scorer rejects.
    expect(await attempt(() => as('cli').set(`${ns}dedupe:/agencies/3004:e9`, 'rebuilt:1', 'PX', 60_000, 'NX'))).toBe('OK');
    expect(await attempt(() => as('cli').get(`${ns}dedupe:/agencies/3004:e9`))).toBe('rebuilt:1');
    expect(await attempt(() => as('cli').del(`${ns}dedupe:/agencies/3004:e9`))).toBe('1');
    // The normalizer watches the epoch marker, and writes it at a first start on an empty namespace (docs/reliability.md).
    expect(await attempt(() => as('normalizer').hsetnx(`${ns}epoch`, 'id', 'e1'))).toBe('1');
    expect(await attempt(() => as('normalizer').hget(`${ns}epoch`, 'id'))).toBe('e1');
    for (const c of cases) {
      const redis = as(c.user);
      expect(await attempt(() => redis.set(c.own, '1')), `${c.user} on ${c.own}`).toBe('OK');
      for (const key of c.others) {
        expect(await attempt(() => redis.set(key, 'x')), `${c.user} writing ${key}`).toBe('NOPERM');
        expect(await attempt(() => redis.get(key)), `${c.user} reading ${key}`).toBe('NOPERM');
      }
      for (const key of c.writeOnly ?? []) {
        expect(await attempt(() => redis.del(key)), `${c.user} deleting ${key}`).toMatch(/^[01]$/u);
        expect(await attempt(() => redis.get(key)), `${c.user} reading ${key}`).toBe('NOPERM');
      }
    }
  });

  // Agency 4011: the tests above leave plain strings under 3004's aggregate keys.
  it("the projector writes the aggregates' history as itself; the console reads it and cannot change it", async () => {
    const projector = await AggregateStore.open(as('projector'), ns);
    await projector.apply([scoreEvent({ nip: '199001012020121001', version: 1, agencyCode: '4011', previousAgencyCode: null })]);
    await projector.recordHistory([{ agencyCode: '4011', rules: 'perban-8-2019' }], Date.UTC(2026, 0, 5, 10));
    const reader = as('console');
    const console = await AggregateStore.open(reader, ns);
    const h = await console.readHistory('4011', 'perban-8-2019', 'day', Date.UTC(2026, 0, 1));
    expect(h.samples.map((x) => x.PNS.n)).toEqual([1]);
    const key = `${ns}hist:{4011}:perban-8-2019:d`;
    expect(await attempt(() => reader.zadd(key, 0, 'forged'))).toBe('NOPERM');
    expect(await attempt(() => reader.del(key))).toBe('NOPERM');
    for (const user of ['normalizer', 'scorer']) expect(await attempt(() => as(user).zrange(key, 0, -1)), user).toBe('NOPERM');
  });
});
