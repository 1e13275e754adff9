import { describe, expect, it } from 'vitest';
import { Agencies, agencyCodeOfSource, isRuleSetId, REJECT_REASONS, REJECT_REASON_DESCRIPTIONS } from '../src/index.js';

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
    expect(agencies.primaryRuleSet('3004', '2024-06-30', 'perban-8-2019')).toBe('perban-8-2019');
    expect(agencies.primaryRuleSet('3004', '2024-07-01', 'perban-8-2019')).toBe('reformulasi-2024');
    expect(agencies.primaryRuleSet('4011', '2030-01-01', 'perban-8-2019')).toBe('perban-8-2019');
    // Before `from` and for an unknown agency: the baseline of the list in force, whatever it is.
    expect(agencies.primaryRuleSet('3004', '2024-06-30', 'kota-bima-2026')).toBe('kota-bima-2026');
    expect(agencies.primaryRuleSet('9999', '2030-01-01', 'bkn-2023')).toBe('bkn-2023');
    expect(agencies.primaryRuleSets.sort()).toEqual(['perban-8-2019', 'reformulasi-2024']);
  });

  it('takes any valid rule-set id as a primary, and refuses an invalid one or "all"', () => {
    const entry = { code: '7777', name: 'Kota Contoh', primary: { ruleSet: 'kota-contoh-2026.1' } };
    expect(Agencies.parse({ version: 1, agencies: [entry] }).primaryRuleSet('7777', '2030-01-01', 'perban-8-2019')).toBe('kota-contoh-2026.1');
    for (const bad of ['Kota', 'a--b', 'all', 'x:y', '']) {
      expect(() => Agencies.parse({ version: 1, agencies: [{ ...entry, primary: { ruleSet: bad } }] })).toThrow();
    }
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

describe('rule-set ids', () => {
  it('are lowercase letters and digits joined by - or ., at most 64 characters, never "all"', () => {
    for (const ok of ['perban-8-2019', 'bkn-2023', 'reformulasi-2024.2', 'x', 'a'.repeat(64)]) expect(isRuleSetId(ok)).toBe(true);
    for (const bad of ['all', 'Perban', 'a_b', 'a/b', 'a:b', '-a', 'a-', 'a..b', 'a b', '', 'a'.repeat(65)]) expect(isRuleSetId(bad)).toBe(false);
  });
});
