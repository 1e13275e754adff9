/** StateStore writes under the scorer's epoch marker (real Redis): none once the marker is gone or replaced. */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, redisConnection } from '@ipasn/config';
import { silentLogger } from '@ipasn/logger';
import { closeRedis, createRedis, EpochChangedError, writeEpoch } from '@ipasn/redis';
import { newState } from '@ipasn/scoring';
import { StateStore } from '../src/index.js';

const redis = createRedis({ ...redisConnection(loadConfig(process.env)), logger: silentLogger() });
afterAll(() => closeRedis(redis));
const NIP = '198501012010011001';

describe('StateStore.guardEpoch (real Redis)', () => {
  it('writes while the marker is the one it started with; once it is gone or replaced, writes nothing and says so', async () => {
    const ns = `test-${randomUUID()}:`;
    const store = await StateStore.open(redis, ns);
    const epoch = await writeEpoch(redis, ns, { by: 'rebuild', events: 0, scores: 0 });
    let changed = 0;
    store.guardEpoch({ id: () => epoch.id, onChanged: () => void changed++ });
    expect(await store.write([{ nip: NIP, state: newState(NIP), w: '0' }])).toEqual([]);
    expect((await store.load([NIP])).get(NIP)?.w).toBe('1');

    // Redis came back empty: the state is gone, and nothing is written on top of the empty store.
    await redis.del(`${ns}epoch`, store.key(NIP));
    const gone = await store.write([{ nip: NIP, state: newState(NIP), w: '0' }]).catch((err: unknown) => err);
    expect(gone).toBeInstanceOf(EpochChangedError);
    expect(gone).toMatchObject({ code: 'REDIS_EPOCH_CHANGED', retriable: true, expected: epoch.id, found: '' });
    expect(await redis.exists(store.key(NIP))).toBe(0);
    expect(changed).toBe(1);

    // Rebuilt under it: another marker.
    const other = await writeEpoch(redis, ns, { by: 'rebuild', events: 0, scores: 0 });
    await expect(store.write([{ nip: NIP, state: newState(NIP), w: '0' }])).rejects.toMatchObject({ found: other.id });
    expect(await redis.exists(store.key(NIP))).toBe(0);
    // Without a guard (ipasn rebuild, rescore): written as before.
    const unguarded = await StateStore.open(redis, ns);
    expect(await unguarded.write([{ nip: NIP, state: newState(NIP), w: '0' }])).toEqual([]);
    await redis.del(`${ns}epoch`, store.key(NIP), store.heldKey());
  });
});
