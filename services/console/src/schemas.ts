/**
 * JSON Schemas of the API, for validation and for the OpenAPI document at /docs. Response schemas
 * also drive fastify's serializer, which writes only the properties listed here: the agency shape
 * is therefore exactly the `ipasn score --by-agency` line plus `freshness`.
 */
import { CATEGORIES, REJECT_REASONS, RULE_SET_ID_MAX, RULE_SET_ID_PATTERN } from '@ipasn/contracts';

const nullable = (type: string) => ({ type: [type, 'null'] });
const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
  ...extra,
});
const isoTime = { type: ['string', 'null'], format: 'date-time' };
/** Any rule-set id (rule sets are open data); which ones are in force is the list's business. */
const ruleSet = { type: 'string', pattern: RULE_SET_ID_PATTERN, maxLength: RULE_SET_ID_MAX };
const category = { type: ['string', 'null'], enum: [...CATEGORIES, null] };

export const headcount = obj({ PNS: { type: 'integer' }, PPPK: { type: 'integer' }, total: { type: 'integer' } });
export const index = obj({ PNS: nullable('number'), PPPK: nullable('number'), ASN: nullable('number') }, { description: 'Mean totals, rounded half up to 2 decimals; null for a group with nobody in it' });
export const dimensions = obj(
  { kualifikasi: { type: 'number' }, kompetensi: { type: 'number' }, kinerja: { type: 'number' }, disiplin: { type: 'number' } },
  { description: 'Per-dimension means over PNS and PPPK together (Kualifikasi, Kompetensi, Kinerja, Disiplin)' },
);
export const categories = obj(Object.fromEntries(CATEGORIES.map((c) => [c, { type: 'integer' }])), { description: 'Employees per category' });

const summaryProps = {
  agencyCode: { type: 'string' },
  rules: ruleSet,
  headcount,
  index,
  dimensions,
  categories,
  dataGaps: { type: 'integer', description: 'Employees with at least one data gap' },
};
export const agencySummary = obj(summaryProps, { description: 'One `ipasn score --by-agency` line' });

export const freshnessFields = obj({
  lastAcceptedAt: { ...isoTime, description: "The normalizer's last accepted event of this agency" },
  lastEventAt: { ...isoTime, description: 'The newest score caused by a personnel event (aggregates)' },
  lastScoredAt: isoTime,
  stale: { type: 'boolean', description: 'No accepted event within cadenceDays' },
  staleSince: isoTime,
  cadenceDays: { type: 'integer' },
  staleCheckedAt: { ...isoTime, description: 'When the stale job last ran; null before its first run (then computed live)' },
});

export const agencyDetail = obj({ ...summaryProps, freshness: freshnessFields }, { description: 'Exactly one `ipasn score --by-agency` line, plus `freshness`' });

const agencyRow = obj({
  code: { type: 'string' },
  name: nullable('string'),
  pilot: { type: 'boolean' },
  cadenceDays: { type: 'integer' },
  rules: { ...ruleSet, description: 'The primary rule set on the evaluation date' },
  headcount,
  index,
  category,
  categories,
  dimensions,
  dataGaps: { type: 'integer' },
  shadow: obj({ rules: ruleSet, index }),
  freshness: freshnessFields,
});
export const agencyList = obj({ asOf: { type: 'string', format: 'date' }, agencies: { type: 'array', items: agencyRow } });

const rollup = obj({
  rules: ruleSet,
  agencies: { type: 'integer' },
  headcount,
  index,
  category,
  dimensions,
  categories,
  dataGaps: { type: 'integer' },
  ranking: {
    type: 'array',
    items: obj({ rank: { type: 'integer' }, agencyCode: { type: 'string' }, name: nullable('string'), index: nullable('number'), headcount: { type: 'integer' } }),
  },
});
export const national = obj({ asOf: { type: 'string', format: 'date' }, rollups: { type: 'array', items: rollup } });

export const groups = obj({ agencyCode: { type: 'string' }, rules: ruleSet, PNS: agencySummary, PPPK: agencySummary });

export const pilot = obj({
  asOf: { type: 'string', format: 'date' },
  agencies: {
    type: 'array',
    items: obj({
      code: { type: 'string' },
      name: nullable('string'),
      primaryRules: ruleSet,
      shadowRules: ruleSet,
      primary: agencySummary,
      shadow: agencySummary,
      primaryCategory: category,
      shadowCategory: category,
      diff: obj({ index, dimensions, categories: obj(Object.fromEntries(CATEGORIES.map((c) => [c, { type: 'integer' }]))), dataGaps: { type: 'integer' } }, { description: 'primary − shadow' }),
    }),
  },
  totals: { type: 'array', items: rollup, description: 'The pilot agencies together, per rule set' },
});

const counts = obj({ accepted: { type: 'integer' }, rejected: { type: 'integer' }, duplicates: { type: 'integer' } });
const partitionLag = obj({
  topic: { type: 'string' },
  partition: { type: 'integer' },
  committed: nullable('integer'),
  end: { type: 'integer' },
  lag: { type: 'integer' },
  lagSeconds: nullable('number'),
  oldestUnconsumedAt: isoTime,
});
export const freshness = obj({
  now: { type: 'string', format: 'date-time' },
  asOf: { type: 'string', format: 'date' },
  staleCheck: obj({ everyMs: { type: 'integer' }, lastRunAt: isoTime, nextRunAt: isoTime }),
  agencies: {
    type: 'array',
    items: obj({
      code: { type: 'string' },
      name: nullable('string'),
      cadenceDays: { type: 'integer' },
      rules: ruleSet,
      lastAcceptedAt: isoTime,
      secondsSinceLastAccepted: nullable('number'),
      lastRejectedAt: isoTime,
      lastHour: counts,
      lastDay: counts,
      headcount: { type: 'integer' },
      dataGaps: { type: 'integer' },
      dataGapShare: { type: ['number', 'null'], description: 'Share of employees with a data gap (primary rule set), 0–1' },
      stale: { type: 'boolean' },
      staleSince: isoTime,
    }),
  },
  lag: obj({
    readAt: isoTime,
    error: nullable('string'),
    groups: {
      type: 'array',
      items: obj({
        service: { type: 'string' },
        groupId: { type: 'string' },
        state: { type: 'string' },
        members: { type: 'integer' },
        topics: { type: 'array', items: { type: 'string' } },
        totalLag: { type: 'integer' },
        maxLagSeconds: nullable('number'),
        partitions: { type: 'array', items: partitionLag },
      }),
    },
  }),
});

const redriveRecord = obj({
  id: { type: 'string' },
  at: { type: 'string', format: 'date-time' },
  by: { type: 'string' },
  note: nullable('string'),
  target: { type: 'string' },
  reason: { type: 'string' },
  agencyCode: nullable('string'),
  eventId: nullable('string'),
});

const dlqItem = obj({
  id: { type: 'string', description: '`<dlq partition>-<offset>`: what a redrive names' },
  dlq: obj({ partition: { type: 'integer' }, offset: { type: 'integer' } }),
  reason: { type: 'string', enum: [...REJECT_REASONS] },
  message: { type: 'string' },
  stage: { type: 'string' },
  agencyCode: nullable('string'),
  eventId: nullable('string'),
  eventSource: nullable('string'),
  eventType: nullable('string'),
  source: obj({ topic: { type: 'string' }, partition: { type: 'integer' }, offset: { type: 'integer' } }, { description: 'Where the rejected message was read' }),
  rejectedAt: { type: 'string', format: 'date-time' },
  key: nullable('string'),
  originalFormat: { type: 'string', enum: ['json', 'avro'] },
  original: { type: 'string', description: 'The original message as text (Avro canonical events decoded to JSON)' },
  originalBytes: { type: 'integer', description: 'Bytes the dead letter kept (at most 64 KiB)' },
  originalLength: { ...nullable('integer'), description: "The original's full length when only its first 64 KiB were kept (such a reject cannot be redriven), else null" },
  redrive: { anyOf: [redriveRecord, { type: 'null' }] },
});
export const dlqPage = obj({
  items: { type: 'array', items: dlqItem },
  nextCursor: { ...nullable('string'), description: 'Pass as `cursor` for older rejects; null at the start of the topic' },
  scanned: { type: 'integer' },
  retained: { type: 'integer', description: 'Offsets the DLQ holds (transaction markers included)' },
  partial: { type: 'boolean', description: 'A read hit its deadline: the page may hold fewer rejects than there are' },
  reasons: { type: 'array', items: { type: 'string' } },
});
export const dlqQuery = {
  type: 'object',
  properties: {
    agency: { type: 'string', pattern: '^[0-9A-Z]{4}$' },
    reason: { type: 'string', enum: [...REJECT_REASONS] },
    cursor: { type: 'string', maxLength: 4096 },
    limit: { type: 'integer', minimum: 1, maximum: 200 },
  },
  additionalProperties: false,
};

export const redriveBody = {
  type: 'object',
  properties: {
    ids: { type: 'array', items: { type: 'string', pattern: '^\\d{1,5}-\\d{1,15}$' }, minItems: 1, maxItems: 1000 },
    note: { type: 'string', maxLength: 500 },
    force: { type: 'boolean', default: false, description: 'Redrive again rejects that were redriven before' },
  },
  required: ['ids'],
  additionalProperties: false,
};
export const redriveResponse = obj({
  results: {
    type: 'array',
    items: {
      type: 'object',
      properties: { id: { type: 'string' }, status: { type: 'string', enum: ['redriven', 'already-redriven', 'not-found', 'no-target', 'truncated'] }, target: nullable('string'), reason: nullable('string'), previous: redriveRecord },
      required: ['id', 'status', 'target', 'reason'],
      additionalProperties: false,
    },
  },
});
export const redriveLog = obj({ redrives: { type: 'array', items: redriveRecord } });

export const rulesQuery = { type: 'object', properties: { rules: ruleSet }, additionalProperties: false };
export const pilotQuery = { type: 'object', properties: { a: ruleSet, b: ruleSet }, additionalProperties: false };
export const ruleSetList = obj({
  baseline: ruleSet,
  ruleSets: {
    type: 'array',
    items: obj({
      id: ruleSet,
      version: { type: 'string' },
      title: { type: 'string' },
      status: { type: 'string' },
      baseline: { type: 'boolean' },
      computing: { anyOf: [{ type: 'null' }, obj({ version: { type: 'string' }, reason: { type: 'string', enum: ['new', 'version', 'rescore'] }, since: nullable('string') })], description: 'Not yet computed for every stored employee (until `ipasn rescore --rules <id>` completes)' },
    }),
  },
});
export const codeParams = obj({ code: { type: 'string', pattern: '^[0-9A-Z]{4}$' } });

export const held = obj(
  {
    agencies: {
      type: 'array',
      items: obj({ code: { type: 'string' }, name: nullable('string'), events: { type: 'integer' }, employees: { type: 'integer' } }),
      description: 'Sending agencies with held events, most first',
    },
    total: obj({ events: { type: 'integer' }, employees: { type: 'integer', description: 'Employees with at least one held event' } }),
    holdHours: { type: 'number', description: 'SCORER_HOLD_HOURS: how long an event waits after its ingestion' },
  },
  { description: 'Events held while a transfer is on its way (events.md): neither accepted nor rejected yet' },
);
