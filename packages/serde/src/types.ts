/**
 * TypeScript side of `schemas/ipasn.scores/ScoreEvent.v*.avsc` and `schemas/ipasn.dlq/DeadLetter.v*.avsc`,
 * hand-written to match the newest versions (a round-trip test keeps them honest). Nullable Avro
 * fields are `T | null` and always present: that is what decoding yields. Timestamps are epoch
 * milliseconds (Avro `timestamp-millis` longs). Avro longs are JS numbers: avsc refuses any beyond
 * ±(2^53 - 2) rather than lose precision, far above any offset, version or timestamp here.
 */
import type { Category, EmploymentType, JobGroup, RejectReason, RejectStage } from '@ipasn/contracts';

export const SCORE_STATUSES = ['ACTIVE', 'REMOVED'] as const;
export type ScoreStatus = (typeof SCORE_STATUSES)[number];

export const CAUSE_KINDS = ['EVENT', 'CLOCK', 'RESCORE'] as const;
export type CauseKind = (typeof CAUSE_KINDS)[number];

/** Each an exact multiple of 0.25; they sum to `total`. */
export interface Dimensions {
  kualifikasi: number;
  kompetensi: number;
  kinerja: number;
  disiplin: number;
}

/** Why a score was computed. The event fields are set for EVENT and null for CLOCK and RESCORE. */
export interface ScoreCause {
  kind: CauseKind;
  eventId: string | null;
  eventSource: string | null;
  eventType: string | null;
  /** `ipasn.events` partition of the causing event. */
  partition: number | null;
  /** `ipasn.events` offset of the causing event. */
  offset: number | null;
}

/** ScoreEvent v1: kept for reading and for tests of the v1 → v2 path. */
export interface ScoreEventV1 {
  nip: string;
  agencyCode: string;
  employmentType: EmploymentType;
  /** A rule set id (`RuleSetId` today); a string so a new rule set needs no schema change. */
  ruleSet: string;
  ruleSetVersion: string;
  status: ScoreStatus;
  total: number;
  category: Category;
  dimensions: Dimensions;
  /** Sorted gap codes (`DataGap` today). */
  dataGaps: string[];
  /** Per employee; only grows; reused when the same score event is emitted again. */
  version: number;
  cause: ScoreCause;
  /** `YYYY-MM-DD`, Asia/Jakarta. */
  asOf: string;
  computedAt: number;
  previousAgencyCode: string | null;
  previousTotal: number | null;
}

/** ScoreEvent, newest version (v2). */
export interface ScoreEvent extends ScoreEventV1 {
  /** Added in v2; null when read from a v1 message. */
  jobGroup: JobGroup | null;
}

/** DeadLetter v1: kept for reading and for tests of the v1 → v2 path. */
export interface DeadLetterV1 {
  /** The original value, or its first 64 KiB when it was longer (v2's `originalLength` says so). */
  originalValue: Buffer;
  originalKey: Buffer | null;
  reason: RejectReason;
  /** Names the bad field paths. */
  message: string;
  stage: RejectStage;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: number;
  eventId: string | null;
  eventSource: string | null;
  eventType: string | null;
  agencyCode: string | null;
  rejectedAt: number;
}

/** DeadLetter, newest version (v2): v1 plus the reason TOO_MANY_RECORDS and what a cut original was. */
export interface DeadLetter extends DeadLetterV1 {
  /** The whole original value's length in bytes when `originalValue` was cut; null when whole (and in v1 data). */
  originalLength: number | null;
  /** SHA-256 (32 bytes) of the whole original value when `originalValue` was cut; null otherwise. */
  originalSha256: Buffer | null;
}
