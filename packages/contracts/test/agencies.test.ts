import { describe, expect, it } from 'vitest';
import { Agencies, agencyCodeOfSource, REJECT_REASONS, REJECT_REASON_DESCRIPTIONS } from '../src/index.js';

describe('the shipped agency list', () => {
  const agencies = Agencies.default();

  it('holds the 11 pilot agencies, BKN and Kota Bima', () => {
    const pilots = agencies.all.filter((a) => a.pilot).map((a) => a.code).sort();
    expect(pilots).toEqual(['3004', '3015', '6116', '6171', '6300', '6371', '6406', '6422', '6500', '6973', '8171']);
    expect(agencies.has('4011')).toBe(true);
    expect(agencies.has('7672')).toBe(true);
    expect(agencies.has('9999')).toBe(false);
  });

  it('chooses the primary rule set by evaluation date', () => {
    expect(agencies.primaryRuleSet('3004', '2024-06-30')).toBe('perban-8-2019');
    expect(agencies.primaryRuleSet('3004', '2024-07-01')).toBe('reformulasi-2024');
    expect(agencies.primaryRuleSet('4011', '2030-01-01')).toBe('perban-8-2019');
  });

  it('rejects a list with a duplicate code, naming it', () => {
    const dup = { version: 1, agencies: [agencies.all[0], agencies.all[0]] };
    expect(() => Agencies.parse(dup)).toThrow(/duplicate agency code 3004/u);
  });
});

describe('sources and topics', () => {
  it('parses /agencies/<code> only', () => {
    expect(agencyCodeOfSource('/agencies/3004')).toBe('3004');
    expect(agencyCodeOfSource('/agencies/300')).toBeUndefined();
    expect(agencyCodeOfSource('agencies/3004')).toBeUndefined();
  });
});

describe('reject reasons', () => {
  it('describes every reason', () => {
    expect(Object.keys(REJECT_REASON_DESCRIPTIONS).sort()).toEqual([...REJECT_REASONS].sort());
  });
});
