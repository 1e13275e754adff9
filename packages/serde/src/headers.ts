/**
 * CloudEvents 1.0 Kafka protocol binding, binary content mode: the event attributes travel as
 * `ce_*` headers and the value is the Avro single-object message. `content-type` is
 * `application/avro`: the binding maps `datacontenttype` to that header, and this is the media type
 * Avro's own tooling and the CloudEvents Avro format use for Avro binary data (`avro/binary` is an
 * older informal spelling). The schema itself is named by the fingerprint inside the value.
 */
import { SerdeError } from './errors.js';

export const AVRO_CONTENT_TYPE = 'application/avro';
export const CE_SPEC_VERSION = '1.0';

/** ce_type of the messages this project writes besides the canonical events (whose type is theirs). */
export const CE_TYPES = {
  score: 'ipasn.score.computed',
  deadLetter: 'ipasn.event.rejected',
} as const;

export interface CeAttributes {
  id: string;
  source: string;
  type: string;
  /** RFC 3339 timestamp. */
  time: string;
  subject?: string;
}

// A type alias, not an interface, so that it is assignable to kafkajs's index-signature headers.
export type CeHeaders = {
  ce_id: string;
  ce_source: string;
  ce_type: string;
  ce_time: string;
  ce_specversion: typeof CE_SPEC_VERSION;
  'content-type': typeof AVRO_CONTENT_TYPE;
  ce_subject?: string;
};

/** Header values as Kafka clients hand them over (kafkajs `IHeaders`). */
export type KafkaHeaderValue = Buffer | string | readonly (Buffer | string)[] | undefined;

// RFC 3339 date-time: full date, 'T', time, optional fraction, 'Z' or an offset.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/iu;

function checkTime(time: string, what: string): void {
  if (!RFC3339.test(time) || !Number.isFinite(Date.parse(time))) {
    throw new SerdeError('BAD_HEADERS', `${what} is not an RFC 3339 timestamp`);
  }
}

/** The binary-mode headers of an event. Fails with BAD_HEADERS on an empty attribute or a bad time. */
export function ceHeaders(a: CeAttributes): CeHeaders {
  for (const key of ['id', 'source', 'type'] as const) {
    if (a[key].length === 0) throw new SerdeError('BAD_HEADERS', `CloudEvents attribute ${key} is empty`);
  }
  checkTime(a.time, 'CloudEvents attribute time');
  const headers: CeHeaders = {
    ce_id: a.id,
    ce_source: a.source,
    ce_type: a.type,
    ce_time: a.time,
    ce_specversion: CE_SPEC_VERSION,
    'content-type': AVRO_CONTENT_TYPE,
  };
  if (a.subject !== undefined) headers.ce_subject = a.subject;
  return headers;
}

function single(headers: Readonly<Record<string, KafkaHeaderValue>>, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    if (value.length !== 1) throw new SerdeError('BAD_HEADERS', `header ${name} appears ${value.length} times`);
    return String(value[0]);
  }
  return typeof value === 'string' ? value : value.toString('utf8');
}

function required(headers: Readonly<Record<string, KafkaHeaderValue>>, name: string): string {
  const value = single(headers, name);
  if (value === undefined || value.length === 0) throw new SerdeError('BAD_HEADERS', `header ${name} is missing`);
  return value;
}

/**
 * The attributes of a binary-mode message. Fails with BAD_HEADERS when an attribute is missing, the
 * spec version is not 1.0, or the content type is not Avro.
 */
export function parseCeHeaders(headers: Readonly<Record<string, KafkaHeaderValue>>): CeAttributes {
  const specversion = required(headers, 'ce_specversion');
  if (specversion !== CE_SPEC_VERSION) {
    throw new SerdeError('BAD_HEADERS', `ce_specversion is ${specversion}, expected ${CE_SPEC_VERSION}`);
  }
  const contentType = required(headers, 'content-type');
  if (contentType !== AVRO_CONTENT_TYPE) {
    throw new SerdeError('BAD_HEADERS', `content-type is ${contentType}, expected ${AVRO_CONTENT_TYPE}`);
  }
  const time = required(headers, 'ce_time');
  checkTime(time, 'header ce_time');
  const attributes: CeAttributes = {
    id: required(headers, 'ce_id'),
    source: required(headers, 'ce_source'),
    type: required(headers, 'ce_type'),
    time,
  };
  const subject = single(headers, 'ce_subject');
  if (subject !== undefined) attributes.subject = subject;
  return attributes;
}
