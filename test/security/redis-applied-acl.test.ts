/**
 * The applied offsets (`<prefix>applied`, docs/reliability.md "Redis that comes back behind";
 * infra/redis/users.acl): the scorer and the projector record theirs as themselves (a Lua call),
 * `ipasn rebuild` (cli) rewrites them, the console reads them; the normalizer cannot touch them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { AppliedOffsets, appliedKey, readApplied, writeApplied } from '@ipasn/redis';
import { deleteRedisKeys, testNamespace } from '../src/index.js';
import { redisUsers } from './redis-users.js';

const ns = testNamespace();
const users = redisUsers();
const as = users.as;

afterAll(async () => {
  await users.close();
  await deleteRedisKeys(ns);
});

describe('Redis: the applied offsets', () => {
  it('the scorer and the projector record them, the cli rewrites them, the console reads them, the normalizer cannot', async () => {
    expect(await new AppliedOffsets(as('scorer'), ns).record(`${ns}ipasn.events`, 0, '10')).toBeNull();
    expect(await new AppliedOffsets(as('projector'), ns).record(`${ns}ipasn.scores`, 0, '20')).toBeNull();
    expect(await readApplied(as('console'), ns)).toEqual(new Map([[`${ns}ipasn.events:0`, 10n], [`${ns}ipasn.scores:0`, 20n]]));
    await writeApplied(as('cli'), ns, [{ topic: `${ns}ipasn.events`, partition: 0, offset: '30' }]);
    expect(await readApplied(as('admin'), ns)).toEqual(new Map([[`${ns}ipasn.events:0`, 30n]]));
    await expect(as('normalizer').hget(appliedKey(ns), `${ns}ipasn.events:0`)).rejects.toThrow(/NOPERM/u);
    await expect(as('console').hset(appliedKey(ns), `${ns}ipasn.events:0`, '0')).rejects.toThrow(/NOPERM/u);
  });
});
