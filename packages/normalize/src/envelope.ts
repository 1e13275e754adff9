/**
 * Whole-event schemas: the CloudEvents envelope plus the catalog's data schema, one per type, built
 * once at module load. `specversion` and `type` are checked before (check 2), so they are not here.
 *
 * Unknown envelope attributes (CloudEvents extensions, `dataschema`, …) are ignored: CloudEvents lets
 * producers add extensions, and rejecting them would break agencies for nothing we read.
 */
import { z } from 'zod';
import { EVENT_TYPES, type CanonicalEvent, type CanonicalEventOf, type EventType } from '@ipasn/contracts';
import { CATALOG } from './catalog.js';
import { dataContentType, eventId, optional, required, source, SOURCE_PREFIX, subject, timestamp } from './fields.js';
import { normalizeNip } from './nip.js';

const envelope = {
  id: required(eventId),
  source: required(source),
  subject: required(subject),
  time: required(timestamp),
  datacontenttype: optional(dataContentType),
};

function eventSchema<T extends EventType>(type: T): z.ZodType<CanonicalEventOf<T>, unknown> {
  const entry = CATALOG[type];
  const data: z.ZodType<z.infer<typeof entry.data>, unknown> = entry.data;
  return z.object({ ...envelope, data }).transform((e, ctx): CanonicalEventOf<T> => {
    const agencyCode = e.source.slice(SOURCE_PREFIX.length);
    const note = entry.senderRule?.(e.data, agencyCode);
    if (note) {
      ctx.issues.push({ code: 'custom', path: ['data', note.field], message: note.message, input: e.data });
      return z.NEVER;
    }
    return { id: e.id, source: e.source, agencyCode, type, nip: normalizeNip(e.subject), time: e.time, data: e.data };
  });
}

/** By `type`; a Map so that `type: "constructor"` finds nothing. */
export const EVENT_SCHEMAS: ReadonlyMap<string, z.ZodType<CanonicalEvent, unknown>> = new Map(
  EVENT_TYPES.map((type) => [type, eventSchema(type) as z.ZodType<CanonicalEvent, unknown>]),
);
