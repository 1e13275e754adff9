export {
  parseRuleSet,
  RuleSetSchema,
  RuleSetIdSchema,
  type AnyRuleSet,
  type RuleSet,
  type KompetensiComponent,
} from './rule-set.js';
export { SHIPPED_RULE_SETS, SHIPPED_BASELINE, SHIPPED_RULE_SET_FILE_NAMES, getRuleSet } from './rule-sets.js';
export { RuleSetList } from './rule-set-list.js';
export { ALL_RULE_SETS } from '@ipasn/contracts';
export { RuleSetFileError, RuleSetListError, UnknownRuleSetError } from './errors.js';
export {
  emptyProfile,
  addsRecord,
  applyEvent,
  applyEvents,
  isScorable,
  getRecord,
  recordCount,
  type ApplyOptions,
  type Profile,
  type ProfileRecord,
  type EducationRec,
  type TrainingRec,
  type AppraisalRec,
  type DisciplineRec,
  type ApplyOutcome,
} from './profile.js';
export { score, categoryOf, sameScore, type Score, type Dimensions } from './score.js';
export { nextChange, changeCandidates } from './next-change.js';
export {
  addMonths,
  addDays,
  compareDates,
  daysBetween,
  isIsoDate,
  windowExit,
  yearOf,
  daysInMonth,
  isLeapYear,
} from './dates.js';
export {
  emptyAgencySums,
  emptyGroupSums,
  addContribution,
  removeContribution,
  summarize,
  roundHalfUp2,
  aggregateByAgency,
  quarterPoints,
  type GroupSums,
  type AgencySums,
  type AgencySummary,
  type ScoredRow,
} from './aggregate.js';
