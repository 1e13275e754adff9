/** The ingress wire form: a CloudEvents 1.0 structured-mode JSON object (events.md "Envelope"). */

export interface WireEvent {
  specversion: unknown;
  id: unknown;
  source: unknown;
  type: unknown;
  subject: unknown;
  time: unknown;
  datacontenttype?: string;
  data: Record<string, unknown>;
}

export function wireEvent(fields: {
  id: string;
  agency: string;
  type: string;
  subject: string;
  time: string;
  withContentType: boolean;
  data: Record<string, unknown>;
}): WireEvent {
  // Two literal shapes (no spreads): this runs once per generated line.
  const source = `/agencies/${fields.agency}`;
  return fields.withContentType
    ? {
        specversion: '1.0',
        id: fields.id,
        source,
        type: fields.type,
        subject: fields.subject,
        time: fields.time,
        datacontenttype: 'application/json',
        data: fields.data,
      }
    : { specversion: '1.0', id: fields.id, source, type: fields.type, subject: fields.subject, time: fields.time, data: fields.data };
}
