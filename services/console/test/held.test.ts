/**
 * GET /api/held against real Redis: held events written by the scorer's store (the same Lua script
 * that writes the employee state keeps the held index), counted per sending agency; any signed-in
 * role may read it, nobody else.
 */
import { describe, expect } from 'vitest';
import type { CanonicalEvent } from '@ipasn/contracts';
import { StateStore } from '@ipasn/profiles';
import { SHIPPED_RULE_SETS } from '@ipasn/rules';
import { applyChunk, scoringContext, type EventInput } from '@ipasn/scoring';
import type { ConsoleHandle } from '../src/index.js';
import { getJson, startTestConsole, test } from './fixtures.js';

const AS_OF = '2025-06-30';
const NIPS = ['198501012010011001', '198501012010011002', '198501012010011003'];
let n = 0;
function input(agency: string, nip: string, type: CanonicalEvent['type'], data: CanonicalEvent['data']): EventInput {
  n++;
  const event = { id: `h${n}`, source: `/agencies/${agency}`, agencyCode: agency, type, nip, time: '2025-06-01T00:00:00.000Z', data } as CanonicalEvent;
  return { event, partition: 0, offset: n, ingestedAt: Date.now() };
}
const upsert = (agency: string, nip: string) => input(agency, nip, 'ipasn.employee.upserted', { name: 'X', employmentType: 'PNS', jobGroup: 'PELAKSANA' });
const record = (agency: string, nip: string, recordId: string) => input(agency, nip, 'ipasn.appraisal.recorded', { recordId, year: 2024, predicate: 'BAIK' });

interface Held {
  agencies: { code: string; name: string | null; events: number; employees: number }[];
  total: { events: number; employees: number };
  holdHours: number;
}

describe('GET /api/held', () => {
  let c: ConsoleHandle;

  test.beforeAll(async ({ ns, redis }) => {
    const store = await StateStore.open(redis, ns.redisPrefix);
    // 4011 owns all three; 3004 overtook two transfers (2 + 1 events), 7672 sent one stray.
    const inputs = [
      ...NIPS.map((nip) => upsert('4011', nip)),
      upsert('3004', NIPS[0]!),
      record('3004', NIPS[0]!, 'a'),
      record('3004', NIPS[1]!, 'b'),
      record('7672', NIPS[1]!, 'c'),
    ];
    const r = applyChunk(new Map(NIPS.map((nip) => [nip, null])), inputs, scoringContext({ ruleSets: SHIPPED_RULE_SETS.all, now: Date.now(), asOf: AS_OF }));
    expect(await store.write([...r.states].map(([nip, state]) => ({ nip, state, w: '0' })))).toEqual([]);
    c = await startTestConsole(ns, { SCORING_AS_OF: AS_OF, SCORER_HOLD_HOURS: '12' });
  });
  test.afterAll(async () => {
    await c?.close();
  });

  test('counts held events and employees per sending agency, for a viewer too', async ({ expect }) => {
    const { status, body } = await getJson<Held>(c, '/api/held', 'viewer');
    expect(status).toBe(200);
    expect(body.agencies.map((a) => [a.code, a.events, a.employees])).toEqual([
      ['3004', 3, 2],
      ['7672', 1, 1],
    ]);
    // Names from the agency list.
    expect(body.agencies.every((a) => typeof a.name === 'string' && a.name.length > 0)).toBe(true);
    expect([body.total, body.holdHours]).toEqual([{ events: 4, employees: 2 }, 12]);
  });

  test('forgets an employee once nothing of it is held (the transfer arrived)', async ({ expect, ns, redis }) => {
    const store = await StateStore.open(redis, ns.redisPrefix);
    const loaded = (await store.load([NIPS[0]!])).get(NIPS[0]!)!;
    const r = applyChunk(new Map([[NIPS[0]!, loaded.state]]), [input('4011', NIPS[0]!, 'ipasn.employee.transferred', { toAgencyCode: '3004' })], scoringContext({ ruleSets: SHIPPED_RULE_SETS.all, now: Date.now(), asOf: AS_OF }));
    expect(await store.write([{ nip: NIPS[0]!, state: r.states.get(NIPS[0]!)!, w: loaded.w }])).toEqual([]);
    const { body } = await getJson<Held>(c, '/api/held', 'viewer');
    expect(body.agencies.map((a) => [a.code, a.events, a.employees])).toEqual([
      ['3004', 1, 1],
      ['7672', 1, 1],
    ]);
    expect(body.total).toEqual({ events: 2, employees: 1 });
  });

  test('needs a session or a token', async ({ expect }) => {
    expect((await getJson(c, '/api/held', 'anonymous')).status).toBe(401);
  });
});
