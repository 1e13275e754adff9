/**
 * The agencies a generated stream uses: the 11 pilot agencies with roughly proportional sizes, or N
 * synthetic agencies `9001…` with skewed sizes (then the stream needs its own agency list).
 */
import { Agencies, type AgencyList } from '@ipasn/contracts';
import { Rng, Weighted } from './rng.js';
import { SHIPPED_BASELINE } from '@ipasn/rules';

/** Rough ASN headcounts, to weigh where employees work (order of magnitude is what matters). */
const PILOT_SIZES: ReadonlyArray<readonly [string, number]> = [
  ['3004', 60_000], // Kementerian Hukum dan HAM
  ['3015', 14_000], // Kementerian LHK
  ['6300', 7_000], // DI Yogyakarta
  ['6406', 7_000], // Kabupaten Batang
  ['6422', 7_500], // Kabupaten Purworejo
  ['6371', 5_500], // Kota Yogyakarta
  ['6500', 40_000], // Provinsi Jawa Timur
  ['6116', 9_000], // Kabupaten Majalengka
  ['6171', 16_000], // Kota Bandung
  ['6973', 3_000], // Kota Bontang
  ['8171', 6_000], // Kota Batam
];

export const MAX_SYNTHETIC_AGENCIES = 999;

export interface AgencyUniverse {
  /** The agency list the stream is valid against. */
  readonly list: AgencyList;
  readonly agencies: Agencies;
  /** Where new employees work, weighted by size. */
  readonly employers: Weighted<string>;
  readonly employerCodes: readonly string[];
  /** Every known agency (targets of transfers, senders of stray events). */
  readonly known: readonly string[];
  /** Well-formed codes that are not in the list (UNKNOWN_AGENCY). */
  readonly unknown: readonly string[];
  /** Whether the agency's system numbers its events sequentially instead of with UUIDs. */
  readonly sequentialIds: ReadonlySet<string>;
}

export type AgencyChoice = { kind: 'pilot' } | { kind: 'synthetic'; count: number };

export function buildUniverse(choice: AgencyChoice, seed: string): AgencyUniverse {
  const rng = new Rng(`${seed}/agencies`);
  let list: AgencyList;
  let sizes: Array<readonly [string, number]>;
  if (choice.kind === 'pilot') {
    list = Agencies.default().list;
    sizes = [...PILOT_SIZES];
  } else {
    if (!Number.isInteger(choice.count) || choice.count < 1 || choice.count > MAX_SYNTHETIC_AGENCIES) {
      throw new RangeError(`synthetic agencies: 1 to ${MAX_SYNTHETIC_AGENCIES}`);
    }
    sizes = [];
    const agencies = [];
    for (let i = 1; i <= choice.count; i++) {
      const code = String(9000 + i);
      // Log-normal sizes: a few big agencies, many small ones.
      sizes.push([code, Math.round(3400 * Math.exp(rng.normal(0, 1.1, -3, 3)))]);
      agencies.push({
        code,
        name: `Instansi Sintetis ${code}`,
        pilot: false,
        primary: { ruleSet: SHIPPED_BASELINE, from: null },
        cadenceDays: 7,
      });
    }
    list = { version: 1, agencies };
  }
  const agencies = new Agencies(list);
  const known = list.agencies.map((a) => a.code);
  const unknown = ['9999', '0000', '1234', '5999', '3000', 'ABCD', '8888'].filter((c) => !agencies.has(c));
  const sequentialIds = new Set(sizes.filter((_, i) => i % 3 === 1).map(([code]) => code));
  return {
    list,
    agencies,
    employers: new Weighted(sizes),
    employerCodes: sizes.map(([c]) => c),
    known,
    unknown,
    sequentialIds,
  };
}
