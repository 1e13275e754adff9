/**
 * Throughput of normalize on one core, in events/s. Build and run from packages/normalize:
 *   npm run bench            (= tsc -p tsconfig.bench.json && node dist/bench/bench/normalize.bench.js)
 * Optional argument: events per round (default 200000).
 */
import { Agencies } from '@ipasn/contracts';
import { normalize, type NormalizeContext } from '../src/index.js';

const ctx: NormalizeContext = {
  agencies: Agencies.default(),
  ingestionTime: new Date('2025-07-01T00:00:00Z'),
  topicAgency: '3004',
};

const envelope = (i: number, type: string, data: Record<string, unknown>) => ({
  specversion: '1.0',
  id: `3004-2025-06-30-${String(i).padStart(6, '0')}`,
  source: '/agencies/3004',
  type,
  subject: '19680411 199303 1 009',
  time: '2025-06-30T10:15:00+07:00',
  datacontenttype: 'application/json',
  data,
});

/** A typical mix: mostly records, some upserts, a few lifecycle events; aliases as agencies send them. */
const TYPICAL = [
  envelope(1, 'ipasn.employee.upserted', {
    name: 'Budi  Santoso',
    employmentType: 'PNS',
    jobGroup: 'Fungsional Ahli Muda',
    positionName: 'Analis Sumber Daya Manusia Aparatur Ahli Muda',
    unitName: 'Biro Sumber Daya Manusia',
    requiredEducation: 'S1',
  }),
  envelope(2, 'ipasn.training.recorded', {
    recordId: 'trn-000042',
    kind: 'TECHNICAL',
    hours: '24',
    completedOn: '01/05/2025',
    name: 'Pelatihan Manajemen ASN',
  }),
  envelope(3, 'ipasn.appraisal.recorded', { recordId: 'skp-2024', year: 2024, predicate: 'Baik', score: 87.5 }),
  envelope(4, 'ipasn.education.recorded', {
    recordId: 'edu-1',
    level: 'Strata 1',
    graduatedOn: '2010-08-30',
    institution: 'Universitas Gadjah Mada',
    major: 'Psikologi',
  }),
  envelope(5, 'ipasn.training.recorded', {
    recordId: 'trn-000043',
    kind: 'LEADERSHIP',
    hours: 40,
    completedOn: '2024-11-20',
    leadershipLevel: 'PKA',
  }),
  envelope(6, 'ipasn.discipline.recorded', {
    recordId: 'dis-7',
    level: 'Hukuman Disiplin Ringan',
    imposedOn: '2025-01-10',
    endsOn: '2025-07-10',
  }),
  envelope(7, 'ipasn.employee.transferred', { toAgencyCode: '4011' }),
  envelope(8, 'ipasn.record.retracted', { recordId: 'trn-000042' }),
].map((e) => JSON.stringify(e));

const encoder = new TextEncoder();

const REJECTS = [
  '{"specversion":"1.0","id":"x"',
  JSON.stringify(envelope(9, 'ipasn.training.recorded', { recordId: 'r', kind: 'TEKNIS', hours: 'abc', completedOn: '31/02/2025' })),
  JSON.stringify({ ...envelope(10, 'ipasn.employee.separated', { reason: 'RETIRED' }), subject: '196813111993031009' }),
  JSON.stringify({ ...envelope(11, 'ipasn.employee.separated', { reason: 'RETIRED' }), time: '2030-01-01T00:00:00Z' }),
];

const SCENARIOS: { name: string; inputs: (string | Uint8Array)[]; expectOk: boolean }[] = [
  { name: 'typical mix, strings', inputs: TYPICAL, expectOk: true },
  { name: 'typical mix, bytes (Kafka values)', inputs: TYPICAL.map((s) => encoder.encode(s)), expectOk: true },
  { name: 'rejects (malformed, schema, NIP, future)', inputs: REJECTS, expectOk: false },
];

const perRound = Number(process.argv[2] ?? 200_000);
const ROUNDS = 5;

/** Normalizes `n` events cycling through `inputs`; returns the accepted count so nothing is optimized away. */
function round(inputs: readonly (string | Uint8Array)[], n: number): number {
  let accepted = 0;
  for (let i = 0; i < n; i++) if (normalize(inputs[i % inputs.length]!, ctx).ok) accepted++;
  return accepted;
}

for (const { name, inputs, expectOk } of SCENARIOS) {
  for (const input of inputs) {
    const r = normalize(input, ctx);
    if (r.ok !== expectOk) throw new Error(`bench fixture of "${name}" gave ${r.ok ? 'ok' : `${r.reason}: ${r.message}`}`);
  }
  round(inputs, perRound); // warm-up
  const rates: number[] = [];
  for (let k = 0; k < ROUNDS; k++) {
    const start = process.hrtime.bigint();
    round(inputs, perRound);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rates.push(perRound / seconds);
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)]!;
  const avgBytes = inputs.reduce((sum, x) => sum + (typeof x === 'string' ? x.length : x.byteLength), 0) / inputs.length;
  console.log(
    `${name.padEnd(42)} ${Math.round(median).toLocaleString('en-US').padStart(10)} events/s  ` +
      `(median of ${ROUNDS} × ${perRound}; ~${Math.round(avgBytes)} B/event; ${(1e6 / median).toFixed(2)} µs/event)`,
  );
}
