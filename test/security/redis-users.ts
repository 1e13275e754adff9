/**
 * Redis connections as the project's ACL users (infra/redis/users.acl), with the generated
 * passwords of IPASN_SECRETS_DIR, for the security tests: `as(user)` opens one, `track` adds one made
 * otherwise, `close()` closes them all (in afterAll).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeRedis, createRedis, type Redis } from '@ipasn/redis';
import { silentLogger } from '@ipasn/logger';
import { REDIS } from '../src/index.js';

export interface RedisUsers {
  as: (user: string) => Redis;
  track: (redis: Redis) => Redis;
  close: () => Promise<void>;
}

export function redisUsers(): RedisUsers {
  const opened: Redis[] = [];
  const track = (redis: Redis): Redis => {
    opened.push(redis);
    return redis;
  };
  return {
    as: (user) => {
      const secrets = process.env['IPASN_SECRETS_DIR'];
      if (!secrets) throw new Error('IPASN_SECRETS_DIR is not set: run the tests with npm test (it generates the secrets)');
      const password = readFileSync(join(secrets, 'redis', `${user}.password`), 'utf8').trim();
      return track(createRedis({ url: REDIS.url, username: user, password, logger: silentLogger(), maxRetriesPerRequest: 1, connectionName: `security-test-${user}` }));
    },
    track,
    close: async () => {
      await Promise.all(opened.map((r) => closeRedis(r)));
    },
  };
}
