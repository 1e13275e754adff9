/**
 * The canonical vocabulary of the IP ASN domain (events.md). Every enumeration here is public API:
 * the Avro schemas in `schemas/` and the ingress zod schemas are derived from these lists.
 */

export const EDUCATION_LEVELS = ['SD', 'SMP', 'SMA', 'D1', 'D2', 'D3', 'D4', 'S1', 'S2', 'S3'] as const;
export type EducationLevel = (typeof EDUCATION_LEVELS)[number];

export const JOB_GROUPS = [
  'JPT_UTAMA',
  'JPT_MADYA',
  'JPT_PRATAMA',
  'ADMINISTRATOR',
  'PENGAWAS',
  'PELAKSANA',
  'FUNGSIONAL_AHLI_UTAMA',
  'FUNGSIONAL_AHLI_MADYA',
  'FUNGSIONAL_AHLI_MUDA',
  'FUNGSIONAL_AHLI_PERTAMA',
  'FUNGSIONAL_PENYELIA',
  'FUNGSIONAL_MAHIR',
  'FUNGSIONAL_TERAMPIL',
  'FUNGSIONAL_PEMULA',
] as const;
export type JobGroup = (typeof JOB_GROUPS)[number];

export const EMPLOYMENT_TYPES = ['PNS', 'PPPK'] as const;
export type EmploymentType = (typeof EMPLOYMENT_TYPES)[number];

export const TRAINING_KINDS = ['LEADERSHIP', 'FUNCTIONAL', 'TECHNICAL', 'SEMINAR'] as const;
export type TrainingKind = (typeof TRAINING_KINDS)[number];

/** Ordered from lowest to highest: PKP < PKA < PKN_II < PKN_I. */
export const LEADERSHIP_LEVELS = ['PKP', 'PKA', 'PKN_II', 'PKN_I'] as const;
export type LeadershipLevel = (typeof LEADERSHIP_LEVELS)[number];

export const PREDICATES = [
  'SANGAT_BAIK',
  'BAIK',
  'CUKUP',
  'BUTUH_PERBAIKAN',
  'KURANG',
  'BURUK',
  'SANGAT_KURANG',
] as const;
export type Predicate = (typeof PREDICATES)[number];

export const DISCIPLINE_LEVELS = ['RINGAN', 'SEDANG', 'BERAT'] as const;
export type DisciplineLevel = (typeof DISCIPLINE_LEVELS)[number];

export const SEPARATION_REASONS = ['RETIRED', 'DIED', 'DISMISSED', 'RESIGNED', 'OTHER'] as const;
export type SeparationReason = (typeof SEPARATION_REASONS)[number];

export const CATEGORIES = ['SANGAT_TINGGI', 'TINGGI', 'SEDANG', 'RENDAH', 'SANGAT_RENDAH'] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * A rule-set id. Rule sets are open data (ipasn-rules.md, "Rule sets are data, and there can be
 * any number of them"): the ids in force come from the rule-set list in configuration, never from
 * code. An id is lowercase letters and digits in groups joined by `-` or `.` (`bkn-2023`,
 * `reformulasi-2024.2`), at most 64 characters, and never `all` (`--rules all`): ids end up in
 * Redis keys, Kafka headers, URLs and file names. `RuleSetIdSchema` (./rule-set-id.ts) validates.
 */
export type RuleSetId = string;

export const DATA_GAPS = ['APPRAISAL_MISSING', 'EDUCATION_MISSING', 'REQUIRED_EDUCATION_MISSING'] as const;
export type DataGap = (typeof DATA_GAPS)[number];

/** A calendar date `YYYY-MM-DD` in Asia/Jakarta. */
export type IsoDate = string;
