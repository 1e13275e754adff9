/** Properties: normalize never throws, and a canonical event is a fixed point of normalize. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EVENT_TYPES, REJECT_REASONS, type CanonicalEvent, type EventType } from '@ipasn/contracts';
import { ALIASES, normalize, type AliasTable } from '../src/index.js';
import { ctx, ingress, INGESTION } from './fixtures.js';

const REASONS = new Set<string>(REJECT_REASONS);
const CODES = ctx.agencies.all.map((a) => a.code);
const DAY = 86_400_000;

function settles(raw: string | Uint8Array): void {
  const r = normalize(raw, ctx);
  if (!r.ok) {
    expect(REASONS.has(r.reason)).toBe(true);
    expect(typeof r.message).toBe('string');
  }
}

describe('normalize never throws', () => {
  it('on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => settles(s)), { numRuns: 2000 });
  }, 60_000);

  it('on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => settles(b)), { numRuns: 1000 });
  }, 60_000);

  it('on arbitrary JSON values', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => settles(JSON.stringify(v) ?? 'null')), { numRuns: 2000 });
  }, 60_000);

  it('on events with one attribute or data field replaced by an arbitrary JSON value', () => {
    const keys = ['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'data'];
    const dataKeys = ['name', 'recordId', 'level', 'kind', 'hours', 'completedOn', 'leadershipLevel', 'year', 'predicate', 'score',
      'imposedOn', 'endsOn', 'toAgencyCode', 'reason', 'jobGroup', 'employmentType', 'graduatedOn', '__proto__', 'constructor'];
    fc.assert(
      fc.property(
        fc.constantFrom(...EVENT_TYPES),
        fc.constantFrom(...keys),
        fc.constantFrom(...dataKeys),
        fc.jsonValue({ maxDepth: 2 }),
        fc.boolean(),
        (type, key, dataKey, value, inData) => {
          const event = inData ? ingress(type, { [dataKey]: value }) : ingress(type, {}, { [key]: value });
          settles(JSON.stringify(event));
        },
      ),
      { numRuns: 3000 },
    );
  }, 60_000);
});

// ---- valid ingress events, spelled as messily as events.md allows ----

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** A spelling of a canonical value from its alias table, in random case and spacing. */
function spelling<C extends string>(table: AliasTable<C>): fc.Arbitrary<string> {
  const all = (Object.values(table) as readonly string[][]).flat();
  return fc
    .tuple(fc.constantFrom(...all), fc.constantFrom('upper', 'lower', 'asis'), fc.constantFrom('', ' ', '  '), fc.boolean())
    .map(([s, c, outer, doubleInner]) => {
      const cased = c === 'upper' ? s.toUpperCase() : c === 'lower' ? s.toLowerCase() : s;
      return `${outer}${doubleInner ? cased.replaceAll(' ', '  ') : cased}${outer}`;
    });
}

/** A real date within [from, to] days since the epoch, as { y, m, d }. */
const calendarDay = (fromMs: number, toMs: number) =>
  fc.integer({ min: Math.ceil(fromMs / DAY), max: Math.floor(toMs / DAY) }).map((day) => {
    const dt = new Date(day * DAY);
    return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
  });

/** A date no later than the ingestion day, in one of the three spellings. */
const pastDate = fc
  .tuple(calendarDay(Date.UTC(1990, 0, 1), INGESTION.getTime()), fc.constantFrom('iso', 'dmy-', 'dmy/'))
  .map(([{ y, m, d }, f]) => (f === 'iso' ? `${y}-${pad(m)}-${pad(d)}` : `${pad(d)}${f.slice(3)}${pad(m)}${f.slice(3)}${y}`));

const nip = fc
  .tuple(calendarDay(Date.UTC(1960, 0, 1), Date.UTC(2005, 11, 31)), fc.integer({ min: 15, max: 50 }), fc.integer({ min: 1, max: 12 }),
    fc.constantFrom('1', '2'), fc.integer({ min: 1, max: 999 }), fc.constantFrom('', ' ', '.', '-'))
  .map(([{ y, m, d }, age, month, gender, seq, sep]) => {
    const appointed = Math.min(y + age, 2025);
    return [`${y}${pad(m)}${pad(d)}`, `${appointed}${pad(month)}`, gender, pad(seq, 3)].join(sep);
  });

/** A time up to 24 h after ingestion, with Z, an offset or none (+07:00). */
const time = fc
  .tuple(fc.integer({ min: Date.UTC(2000, 0, 1), max: INGESTION.getTime() + DAY }), fc.constantFrom('Z', '+07:00', '', '+09:00', '-05:00'))
  .map(([ms, zone]) => {
    const offsetMin = zone === 'Z' ? 0 : zone === '' ? 420 : (zone.startsWith('-') ? -1 : 1) * Number(zone.slice(1, 3)) * 60;
    return new Date(ms + offsetMin * 60_000).toISOString().slice(0, 23) + zone;
  });

const text = fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,20}[A-Za-z]$/u);
const recordId = fc.stringMatching(/^[a-z0-9-]{1,20}$/u);
const num = (n: number) => fc.constantFrom<unknown>(n, String(n));

const DATA: { [T in EventType]: fc.Arbitrary<Record<string, unknown>> } = {
  'ipasn.employee.upserted': fc.record(
    { name: text, employmentType: spelling(ALIASES.employmentType), jobGroup: spelling(ALIASES.jobGroup),
      positionName: text, unitName: text, requiredEducation: spelling(ALIASES.educationLevel) },
    { requiredKeys: ['name', 'employmentType', 'jobGroup'] },
  ),
  'ipasn.education.recorded': fc.record(
    { recordId, level: spelling(ALIASES.educationLevel), graduatedOn: pastDate, institution: text, major: text },
    { requiredKeys: ['recordId', 'level', 'graduatedOn'] },
  ),
  'ipasn.training.recorded': fc.oneof(
    fc.record({ recordId, kind: fc.constantFrom('LEADERSHIP', 'leadership'), hours: fc.nat(200).chain(num),
      completedOn: pastDate, leadershipLevel: spelling(ALIASES.leadershipLevel) }),
    fc.record(
      { recordId, kind: fc.constantFrom('Functional', 'TECHNICAL', 'seminar'), hours: fc.nat(200).chain(num), completedOn: pastDate, name: text },
      { requiredKeys: ['recordId', 'kind', 'hours', 'completedOn'] },
    ),
  ),
  'ipasn.appraisal.recorded': fc.oneof(
    fc.record({ recordId, year: fc.integer({ min: 2000, max: 2025 }).chain(num), predicate: spelling(ALIASES.predicate) }),
    fc.record({ recordId, year: fc.integer({ min: 2000, max: 2025 }).chain(num), score: fc.integer({ min: 0, max: 400 }).map((q) => q / 4).chain(num) }),
    fc.record({ recordId, year: fc.integer({ min: 2000, max: 2025 }), predicate: spelling(ALIASES.predicate), score: fc.integer({ min: 0, max: 100 }) }),
  ),
  'ipasn.discipline.recorded': fc
    .record({ recordId, level: spelling(ALIASES.disciplineLevel), imposedOn: pastDate, penalty: text, withEnd: fc.boolean() })
    .map(({ withEnd, ...d }) => (withEnd ? { ...d, endsOn: '31/12/2099' } : d)),
  'ipasn.record.retracted': fc.record({ recordId }),
  'ipasn.employee.transferred': fc.constantFrom(...CODES.filter((c) => c !== '3004')).map((toAgencyCode) => ({ toAgencyCode })),
  'ipasn.employee.separated': fc.record({ reason: spelling(ALIASES.separationReason) }),
};

const validIngress = fc
  .constantFrom(...EVENT_TYPES)
  .chain((type) => fc.record({ type: fc.constant(type), data: DATA[type], subject: nip, time, id: recordId }))
  .map(({ type, data, subject, time: t, id }) => ({
    specversion: '1.0', id, source: '/agencies/3004', type, subject, time: t, data,
  }));

/** A canonical event written back as an ingress CloudEvent. */
const toIngress = (e: CanonicalEvent) => ({
  specversion: '1.0', id: e.id, source: e.source, type: e.type, subject: e.nip, time: e.time, datacontenttype: 'application/json', data: e.data,
});

describe('round trip', () => {
  it('a valid event normalizes, and its canonical form written back as ingress normalizes to itself', () => {
    fc.assert(
      fc.property(validIngress, (event) => {
        const first = normalize(JSON.stringify(event), ctx);
        if (!first.ok) throw new Error(`${first.reason}: ${first.message} in ${JSON.stringify(event)}`);
        const second = normalize(JSON.stringify(toIngress(first.event)), ctx);
        expect(second).toStrictEqual(first);
        expect(first.event.nip).toMatch(/^\d{18}$/u);
      }),
      { numRuns: 3000 },
    );
  }, 60_000);
});
