/** The OpenAPI document (served at /docs) and the events route's schema (documentation only: bodies are raw bytes checked by @ipasn/normalize). */
import { NORMALIZER_REJECT_REASONS } from '@ipasn/normalize';
import { errorBodySchema } from './errors.js';

export const OPENAPI = {
  openapi: {
    info: {
      title: 'IP ASN ingestion gateway',
      version: '1.0.0',
      description:
        'CloudEvents 1.0 over HTTP(S) into the agency’s ingress topic (docs/gateway.md; the event contract is docs/events.md). ' +
        'Authenticate with the agency’s API token (`Authorization: Bearer ipasn_<code>_…`). Each event goes through the normalizer’s checks 1–7 at once; ' +
        'accepted events are answered only after the broker stored them (acks=all): a 2xx means durable. Resending the same events (same `source` and `id`) never creates duplicates downstream.',
    },
    tags: [{ name: 'events', description: 'Send CloudEvents' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
  },
} as const;

const event = {
  type: 'object',
  description: 'A CloudEvents 1.0 event in structured JSON (docs/events.md)',
  required: ['specversion', 'id', 'source', 'type', 'subject', 'time', 'data'],
  properties: {
    specversion: { type: 'string', enum: ['1.0'] },
    id: { type: 'string', maxLength: 128 },
    source: { type: 'string', example: '/agencies/3004' },
    type: { type: 'string', example: 'ipasn.training.recorded' },
    subject: { type: 'string', description: 'the NIP', example: '198503152010011001' },
    time: { type: 'string', format: 'date-time' },
    datacontenttype: { type: 'string', enum: ['application/json'] },
    data: { type: 'object', additionalProperties: true },
  },
  additionalProperties: true,
} as const;

const result = {
  type: 'object',
  required: ['index', 'id', 'status'],
  properties: {
    index: { type: 'integer', description: 'position in the request (0 outside batched mode)' },
    id: { type: ['string', 'null'] },
    status: { type: 'string', enum: ['accepted', 'rejected'] },
    reason: { type: 'string', enum: [...NORMALIZER_REJECT_REASONS] },
    message: { type: 'string' },
    paths: { type: 'array', items: { type: 'string' } },
  },
} as const;

const results = {
  type: 'object',
  required: ['agency', 'accepted', 'rejected', 'results'],
  properties: {
    agency: { type: 'string' },
    accepted: { type: 'integer', description: 'events stored in the ingress topic' },
    rejected: { type: 'integer', description: 'events refused (not sent); see results' },
    results: { type: 'array', items: result },
  },
} as const;

export const EVENTS_ROUTE_SCHEMA = {
  tags: ['events'],
  summary: 'Send events (structured, batched or binary mode)',
  description:
    '`application/cloudevents+json`: one event. `application/cloudevents-batch+json`: a JSON array of events (at most GATEWAY_MAX_BATCH_EVENTS). ' +
    '`application/json` with `ce-specversion`, `ce-id`, `ce-source`, `ce-type`, `ce-subject`, `ce-time` headers: binary mode, the body is `data`. ' +
    '202: every event accepted. 207 (batch) / 422 (one event): some rejected, per-event reasons in `results`; the accepted ones are stored. ' +
    '403: an event’s source is another agency (nothing stored). 503: the broker did not acknowledge; send the same request again after Retry-After.',
  headers: {
    type: 'object',
    properties: { authorization: { type: 'string', description: 'Bearer <token>' } },
  },
  body: {
    content: {
      'application/cloudevents+json': { schema: event },
      'application/cloudevents-batch+json': { schema: { type: 'array', items: event } },
      'application/json': { schema: { type: 'object', description: 'binary mode: the event’s data; attributes in ce-* headers', additionalProperties: true } },
    },
  },
  response: {
    202: { description: 'every event accepted and stored (acks=all)', ...results },
    207: { description: 'batch: some or all events rejected; the accepted ones are stored', ...results },
    422: { description: 'the one event was rejected (not stored)', ...results },
    400: { description: 'not a JSON array (batch), missing ce-specversion (binary)', ...errorBodySchema },
    401: { description: 'missing, unknown or revoked token', ...errorBodySchema },
    403: { description: 'an event’s source is not this agency; nothing stored', ...errorBodySchema },
    413: { description: 'body over GATEWAY_BODY_LIMIT_BYTES or more than GATEWAY_MAX_BATCH_EVENTS events', ...errorBodySchema },
    415: { description: 'another media type', ...errorBodySchema },
    429: { description: 'over the agency’s request rate; see Retry-After', ...errorBodySchema },
    503: { description: 'the broker did not acknowledge in time; nothing is guaranteed stored: resend after Retry-After', ...errorBodySchema },
  },
} as const;
