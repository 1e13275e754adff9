/**
 * Every alias events.md accepts ("Aliases the normalizer accepts"), by canonical value. The generator
 * draws messy spellings from these tables; the CLI tests feed each of them through `ipasn score`.
 */
import type {
  DisciplineLevel,
  EducationLevel,
  JobGroup,
  LeadershipLevel,
  Predicate,
} from '@ipasn/contracts';

export const LEVEL_ALIASES: Record<EducationLevel, readonly string[]> = {
  S3: ['S3', 'S-3', 'Doktor', 'Strata 3'],
  S2: ['S2', 'S-2', 'Magister', 'Strata 2'],
  S1: ['S1', 'S-1', 'Sarjana', 'Strata 1'],
  D4: ['D4', 'D-IV', 'DIV', 'Diploma IV'],
  D3: ['D3', 'D-III', 'DIII', 'Diploma III'],
  D2: ['D2', 'D-II', 'DII', 'Diploma II'],
  D1: ['D1', 'D-I', 'DI', 'Diploma I'],
  SMA: ['SMA', 'SMK', 'SMU', 'MA', 'SLTA'],
  SMP: ['SMP', 'SLTP', 'MTs'],
  SD: ['SD', 'MI'],
};

const PKN_FORMS = (n: 'I' | 'II'): string[] => [
  `PKN_${n}`,
  `PKN ${n}`,
  `PKN Tingkat ${n}`,
  `PKN Tk. ${n}`,
  `Diklatpim ${n}`,
  `PIM ${n}`,
];

export const LEADERSHIP_ALIASES: Record<LeadershipLevel, readonly string[]> = {
  PKN_I: PKN_FORMS('I'),
  PKN_II: PKN_FORMS('II'),
  PKA: ['PKA', 'Diklatpim III', 'PIM III'],
  PKP: ['PKP', 'Diklatpim IV', 'PIM IV'],
};

export const PREDICATE_ALIASES: Record<Predicate, readonly string[]> = {
  SANGAT_BAIK: ['SANGAT_BAIK', 'Sangat Baik', 'sangat_baik'],
  BAIK: ['BAIK', 'Baik'],
  CUKUP: ['CUKUP', 'Cukup'],
  BUTUH_PERBAIKAN: ['BUTUH_PERBAIKAN', 'Butuh Perbaikan', 'butuh_perbaikan'],
  KURANG: ['KURANG', 'Kurang', 'Kurang/Misconduct'],
  BURUK: ['BURUK', 'Buruk'],
  SANGAT_KURANG: ['SANGAT_KURANG', 'Sangat Kurang', 'SANGAT KURANG'],
};

export const DISCIPLINE_ALIASES: Record<DisciplineLevel, readonly string[]> = {
  RINGAN: ['RINGAN', 'Hukuman Disiplin Ringan', 'ringan'],
  SEDANG: ['SEDANG', 'Hukuman Disiplin Sedang', 'Sedang'],
  BERAT: ['BERAT', 'Hukuman Disiplin Berat', 'berat'],
};

export const JOB_GROUP_ALIASES: Record<JobGroup, readonly string[]> = {
  JPT_UTAMA: ['JPT_UTAMA', 'JPT Utama'],
  JPT_MADYA: ['JPT_MADYA', 'JPT Madya'],
  JPT_PRATAMA: ['JPT_PRATAMA', 'JPT Pratama'],
  ADMINISTRATOR: ['ADMINISTRATOR', 'Administrator'],
  PENGAWAS: ['PENGAWAS', 'Pengawas'],
  PELAKSANA: ['PELAKSANA', 'Pelaksana'],
  FUNGSIONAL_AHLI_UTAMA: ['FUNGSIONAL_AHLI_UTAMA', 'Fungsional Ahli Utama', 'Ahli Utama'],
  FUNGSIONAL_AHLI_MADYA: ['FUNGSIONAL_AHLI_MADYA', 'Fungsional Ahli Madya', 'Ahli Madya'],
  FUNGSIONAL_AHLI_MUDA: ['FUNGSIONAL_AHLI_MUDA', 'Fungsional Ahli Muda', 'Ahli Muda'],
  FUNGSIONAL_AHLI_PERTAMA: ['FUNGSIONAL_AHLI_PERTAMA', 'Fungsional Ahli Pertama', 'Ahli Pertama'],
  FUNGSIONAL_PENYELIA: ['FUNGSIONAL_PENYELIA', 'Fungsional Penyelia', 'Penyelia'],
  FUNGSIONAL_MAHIR: ['FUNGSIONAL_MAHIR', 'Fungsional Mahir', 'Mahir'],
  FUNGSIONAL_TERAMPIL: ['FUNGSIONAL_TERAMPIL', 'Fungsional Terampil', 'Terampil'],
  FUNGSIONAL_PEMULA: ['FUNGSIONAL_PEMULA', 'Fungsional Pemula', 'Pemula'],
};

/** Case variants for enumerations matched "in any case" (employmentType, kind, reason). */
export function caseVariants(canonical: string): string[] {
  const lower = canonical.toLowerCase();
  return [canonical, lower, lower.charAt(0).toUpperCase() + lower.slice(1)];
}
