/**
 * The reference consumer's pure parts: single-object decoding with the published schemas (every
 * version, fingerprints as fingerprints.json lists them), idempotency by version, the aggregates'
 * rounding, and the CSV state a restart resumes from.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { aggregate, meanOf, Report, type ScoreEvent } from '../src/report.js';
import { crc64Avro, hex, loadSchemas, MARKER, SingleObjectDecoder } from '../src/single-object.js';

const SCHEMAS = fileURLToPath(new URL('../../../schemas/', import.meta.url));

function score(over: Partial<ScoreEvent> = {}): ScoreEvent & { cause: unknown; previousAgencyCode: null; previousTotal: null } {
  return {
    nip: '197001011995031001',
    agencyCode: '4011',
    employmentType: 'PNS',
    ruleSet: 'perban-8-2019',
    ruleSetVersion: '1',
    status: 'ACTIVE',
    total: 67.5,
    category: 'RENDAH',
    dimensions: { kualifikasi: 15, kompetensi: 22.5, kinerja: 25, disiplin: 5 },
    dataGaps: [],
    version: 3,
    asOf: '2025-06-30',
    computedAt: Date.parse('2025-06-30T10:00:00Z'),
    jobGroup: 'PELAKSANA',
    cause: { kind: 'CLOCK', eventId: null, eventSource: null, eventType: null, partition: null, offset: null },
    previousAgencyCode: null,
    previousTotal: null,
    ...over,
  };
}

describe('single-object decoding with the published schemas', () => {
  const versions = loadSchemas(SCHEMAS);

  it('computes the fingerprints fingerprints.json lists, for every version', () => {
    const listed = (JSON.parse(readFileSync(`${SCHEMAS}fingerprints.json`, 'utf8')) as { fingerprints: { file: string; fingerprint: string }[] }).fingerprints;
    expect(versions.map((v) => [v.file, v.fingerprint]).sort()).toEqual(listed.map((l) => [l.file, l.fingerprint]).sort());
  });

  it('CRC-64-AVRO of nothing is the empty fingerprint', () => {
    expect(hex(crc64Avro(new Uint8Array()))).toBe('c15d213aa4d7a795');
  });

  it('reads a v2 message as is and a v1 message into the v2 shape (jobGroup null)', () => {
    const decoder = new SingleObjectDecoder<ScoreEvent>(versions, 'ScoreEvent');
    for (const v of versions.filter((x) => x.subject === 'ScoreEvent')) {
      const value = v.version === 1 ? (({ jobGroup: _j, ...rest }) => rest)(score()) : score();
      const header = Buffer.alloc(8);
      header.writeBigUInt64LE(BigInt(`0x${v.fingerprint}`));
      const message = Buffer.concat([MARKER, header, v.type.toBuffer(value)]);
      const decoded = decoder.decode(message);
      expect(decoded.version).toBe(v.version);
      expect(decoded.value).toMatchObject({ ...score(), jobGroup: v.version === 1 ? null : 'PELAKSANA' });
    }
  });

  it('refuses a message of an unknown writer schema, or not single-object encoded', () => {
    const decoder = new SingleObjectDecoder<ScoreEvent>(versions, 'ScoreEvent');
    expect(() => decoder.decode(Buffer.from('{"nip":"1"}'))).toThrow(/not an Avro single-object/u);
    expect(() => decoder.decode(Buffer.concat([MARKER, Buffer.alloc(8), Buffer.from([0])]))).toThrow(/unknown writer schema 0000000000000000/u);
  });
});

describe('Report', () => {
  it('keeps the highest version per NIP and rule set, whatever the order of arrival', () => {
    const events = [score({ version: 1, total: 50 }), score({ version: 3, total: 67.5 }), score({ version: 2, total: 60 }), score({ version: 3, total: 67.5 })];
    const a = new Report();
    const b = new Report();
    for (const e of events) a.apply(e);
    for (const e of [...events].reverse()) b.apply(e);
    expect(a.rows()).toEqual(b.rows());
    expect(a.rows()).toHaveLength(1);
    expect(a.rows()[0]!.total).toBe(67.5);
    expect(a.stale).toBe(1);
  });

  it('counts ACTIVE rows only in the aggregates, under the agency of the latest score', () => {
    const r = new Report();
    r.apply(score({ nip: '1', total: 80, category: 'TINGGI' }));
    r.apply(score({ nip: '2', total: 70, employmentType: 'PPPK', dataGaps: ['APPRAISAL_MISSING'] }));
    r.apply(score({ nip: '3', agencyCode: '3004', version: 5 }));
    r.apply(score({ nip: '3', agencyCode: '3004', status: 'REMOVED', version: 6 }));
    r.apply(score({ nip: '4', agencyCode: '3004', version: 1 }));
    r.apply(score({ nip: '4', agencyCode: '4011', version: 2 }));
    const [agg] = aggregate(r.rows());
    expect(aggregate(r.rows())).toHaveLength(1);
    expect(agg).toMatchObject({ agencyCode: '4011', PNS: { headcount: 2 }, PPPK: { headcount: 1 }, dataGaps: 1 });
    expect(r.agenciesCsv().split('\r\n')[1]).toBe('4011,perban-8-2019,2,1,3,73.75,70,72.5,15,22.5,25,5,0,1,0,2,0,1');
  });

  it('rounds means half up from exact quarter-point sums', () => {
    // 81.395 rounds to 81.4 (toFixed would say 81.39).
    expect(meanOf(65_116, 200)).toBe(81.4);
    expect(meanOf(4 * 67.5, 1)).toBe(67.5);
    expect(meanOf(1, 3)).toBe(0.08);
    expect(meanOf(0, 0)).toBeNull();
  });

  it('resumes from the scores.csv it wrote', () => {
    const r = new Report();
    r.apply(score({ nip: '1', dataGaps: ['APPRAISAL_MISSING', 'EDUCATION_MISSING'], ruleSetVersion: '2024,1' }));
    r.apply(score({ nip: '2', jobGroup: null, status: 'REMOVED' }));
    const again = Report.fromScoresCsv(r.scoresCsv());
    expect(again.rows()).toEqual(r.rows());
    expect(again.scoresCsv()).toBe(r.scoresCsv());
  });
});
