/** Builders for ingress events. Each test states what it changes from a valid event. */
import { Agencies, type EventType } from '@ipasn/contracts';
import { normalize, type NormalizeContext, type NormalizeResult } from '../src/index.js';

export const INGESTION = new Date('2025-07-01T00:00:00.000Z'); // 07:00 WIB on 1 July 2025
export const NIP = '196804111993031009';
export const SENDER = '3004';

export const ctx: NormalizeContext = { agencies: Agencies.default(), ingestionTime: INGESTION };

export const VALID_DATA: { [T in EventType]: Record<string, unknown> } = {
  'ipasn.employee.upserted': { name: 'Budi Santoso', employmentType: 'PNS', jobGroup: 'PELAKSANA' },
  'ipasn.education.recorded': { recordId: 'edu-1', level: 'S1', graduatedOn: '2010-08-30' },
  'ipasn.training.recorded': { recordId: 'trn-1', kind: 'TECHNICAL', hours: 24, completedOn: '2025-05-01' },
  'ipasn.appraisal.recorded': { recordId: 'skp-2024', year: 2024, predicate: 'BAIK' },
  'ipasn.discipline.recorded': { recordId: 'dis-1', level: 'RINGAN', imposedOn: '2025-01-10' },
  'ipasn.record.retracted': { recordId: 'edu-1' },
  'ipasn.employee.transferred': { toAgencyCode: '4011' },
  'ipasn.employee.separated': { reason: 'RETIRED' },
};

/** A valid ingress event of `type`; `data` fields and envelope attributes are merged over it (undefined deletes). */
export function ingress(
  type: EventType,
  data: Record<string, unknown> = {},
  envelope: Record<string, unknown> = {},
): Record<string, unknown> {
  const event: Record<string, unknown> = {
    specversion: '1.0',
    id: 'evt-1',
    source: `/agencies/${SENDER}`,
    type,
    subject: NIP,
    time: '2025-06-30T10:00:00+07:00',
    datacontenttype: 'application/json',
    data: { ...VALID_DATA[type], ...data },
    ...envelope,
  };
  for (const [k, v] of Object.entries(event)) if (v === undefined) delete event[k];
  const d = event.data;
  if (d !== null && typeof d === 'object') {
    for (const [k, v] of Object.entries(d)) if (v === undefined) delete (d as Record<string, unknown>)[k];
  }
  return event;
}

export function run(event: unknown, context: Partial<NormalizeContext> = {}): NormalizeResult {
  return normalize(JSON.stringify(event), { ...ctx, ...context });
}

/** The canonical payload of a valid event, failing the test with the reject otherwise. */
export function payloadOf(event: unknown, context: Partial<NormalizeContext> = {}): unknown {
  const r = run(event, context);
  if (!r.ok) throw new Error(`expected a valid event, got ${r.reason}: ${r.message}`);
  return r.event.data;
}

/** The reject reason, or 'OK'. */
export function reasonOf(event: unknown, context: Partial<NormalizeContext> = {}): string {
  const r = run(event, context);
  return r.ok ? 'OK' : r.reason;
}
