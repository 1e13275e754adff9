/**
 * The applied offsets (`<prefix>applied`, docs/reliability.md "Redis that comes back behind";
 * infra/redis/users.acl): the scorer and the projector record theirs as themselves (a Lua call),
 * `ipasn rebuild` (cli) rewrites them, the console reads them; the normalizer cannot touch them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppliedOffsets, appliedKey, closeRedis, createRedis, readApplied, writeApplied, type Redis } from '@ipasn/redis';
import { silentLogger } from '@ipasn/logger';
import { deleteRedisKeys, REDIS, testNamespace } from '../src/index.js';

const SECRETS = process.env['IPASN_SECRETS_DIR'];
const ns = testNamespace();
const opened: Redis[] = [];

function as(user: string): Redis {
  if (!SECRETS) throw new Error('IPASN_SECRETS_DIR is not set: run the tests with npm test (it generates the secrets)');
  const password = readFileSync(join(SECRETS, 'redis', `${user}.password`), 'utf8').trim();
  const redis = createRedis({ url: REDIS.url, username: user, password, logger: silentLogger(), maxRetriesPerRequest: 1, connectionName: `security-test-${user}` });
  opened.push(redis);
  return redis;
}

afterAll(async () => {
  await Promise.all(opened.map((r) => closeRedis(r)));
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
