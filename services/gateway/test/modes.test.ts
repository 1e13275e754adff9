/**
 * The three CloudEvents modes and the request-level refusals, against the real broker and Redis, as
 * the gateway's own principal: what the answer says is what the ingress topic holds.
 */
import { decoders, metricSum, readAll } from '@ipasn/e2e';
import { describe, expect, it } from 'vitest';
import { BATCH, BINARY_DATA, STRUCTURED } from '../src/index.js';
import { AGENCY, asAgency, nip, OTHER, post, startTestGateway, training, upsert } from './fixtures.js';

const ingress = async (topic: string) => readAll(topic, { decode: decoders.raw });

describe('gateway modes', () => {
  it('structured mode: 202, the body byte for byte in the agency’s ingress topic, keyed by the NIP digits', async () => {
    const gw = await startTestGateway();
    const event = { ...upsert('s-1'), subject: '19850315 201001 1 001' };
    const body = `  ${JSON.stringify(event, null, 1)}\n`;
    const r = await post(gw.url, body, asAgency(gw.tokens.token(AGENCY), `${STRUCTURED}; charset=utf-8`));
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ agency: AGENCY, accepted: 1, rejected: 0, results: [{ index: 0, id: 's-1', status: 'accepted' }] });
    const records = await ingress(gw.topics.ingress(AGENCY));
    expect(records).toHaveLength(1);
    expect(records[0]!.raw!.toString('utf8')).toBe(body);
    expect(records[0]!.key!.toString()).toBe(nip(1));
    expect(await readAll(gw.topics.ingress(OTHER), { decode: decoders.raw })).toHaveLength(0);
  });

  it('structured mode: a rejected event is 422 with its reason and field paths, and goes on to ingress for the DLQ', async () => {
    const gw = await startTestGateway();
    const body = JSON.stringify({ ...training('s-2'), data: { recordId: 'x', kind: 'TECHNICAL', hours: -3, completedOn: '2025-11-02' } });
    const r = await post(gw.url, body, asAgency(gw.tokens.token(AGENCY), STRUCTURED));
    expect(r.status).toBe(422);
    expect(r.body['accepted']).toBe(0);
    expect(r.body['results']).toEqual([expect.objectContaining({ index: 0, id: 's-2', status: 'rejected', reason: 'SCHEMA_INVALID', paths: ['data.hours'] })]);
    // Sent on as it came, keyed like any employee's event, for the normalizer to dead-letter.
    const records = await ingress(gw.topics.ingress(AGENCY));
    expect(records.map((m) => [m.key?.toString(), m.raw?.toString('utf8')])).toEqual([[nip(1), body]]);
  });

  it('batched mode: 207 with one result per event; every event is sent (the rejected for the DLQ), each with its own bytes, in order', async () => {
    const gw = await startTestGateway();
    const events = [upsert('b-1', AGENCY, nip(1)), { ...training('b-2'), subject: '123' }, training('b-3', AGENCY, nip(1)), { ...upsert('b-4'), specversion: '0.3' }, upsert('b-5', AGENCY, nip(2))];
    const parts = events.map((e, i) => (i === 2 ? JSON.stringify(e, null, 2) : JSON.stringify(e)));
    const r = await post(gw.url, `[\n${parts.join(' ,\n')}\n]`, asAgency(gw.tokens.token(AGENCY), BATCH));
    expect(r.status).toBe(207);
    expect(r.body['accepted']).toBe(3);
    expect(r.body['rejected']).toBe(2);
    const results = r.body['results'] as { index: number; status: string; reason?: string }[];
    expect(results.map((x) => [x.index, x.status, x.reason ?? null])).toEqual([
      [0, 'accepted', null],
      [1, 'rejected', 'INVALID_NIP'],
      [2, 'accepted', null],
      [3, 'rejected', 'UNSUPPORTED_TYPE'],
      [4, 'accepted', null],
    ]);
    const records = await ingress(gw.topics.ingress(AGENCY));
    expect(records.map((m) => m.raw!.toString('utf8')).sort()).toEqual([...parts].sort());
    // One employee's events stay in order (same key, same partition).
    const ofFirst = records.filter((m) => m.key!.toString() === nip(1)).map((m) => (JSON.parse(m.raw!.toString()) as { id: string }).id);
    expect(ofFirst).toEqual(['b-1', 'b-3', 'b-4']);
  });

  it('batched mode: all accepted is 202; not a JSON array is 400; more than GATEWAY_MAX_BATCH_EVENTS is 413', async () => {
    const gw = await startTestGateway({ GATEWAY_MAX_BATCH_EVENTS: '3' });
    const token = gw.tokens.token(AGENCY);
    expect((await post(gw.url, JSON.stringify([upsert('a-1'), training('a-2')]), asAgency(token, BATCH))).status).toBe(202);
    const notArray = await post(gw.url, JSON.stringify(upsert('a-3')), asAgency(token, BATCH));
    expect([notArray.status, notArray.body['code']]).toEqual([400, 'GATEWAY_BAD_REQUEST']);
    const tooMany = await post(gw.url, JSON.stringify([1, 2, 3, 4].map((i) => upsert(`m-${i}`))), asAgency(token, BATCH));
    expect([tooMany.status, tooMany.body['code']]).toEqual([413, 'GATEWAY_TOO_LARGE']);
    expect(await ingress(gw.topics.ingress(AGENCY))).toHaveLength(2);
  });

  it('binary mode: ce-* headers (percent-decoded) and the data body become one structured event', async () => {
    const gw = await startTestGateway();
    const data = { name: 'Siti Nurhaliza', employmentType: 'PPPK', jobGroup: 'Ahli Muda' };
    const r = await post(gw.url, JSON.stringify(data), {
      ...asAgency(gw.tokens.token(AGENCY), BINARY_DATA),
      'ce-specversion': '1.0',
      'ce-id': 'bin%2F1',
      'ce-source': `/agencies/${AGENCY}`,
      'ce-type': 'ipasn.employee.upserted',
      'ce-subject': nip(7),
      'ce-time': '2026-01-05T09:00:00+07:00',
    });
    expect(r.status).toBe(202);
    expect(r.body['results']).toEqual([{ index: 0, id: 'bin/1', status: 'accepted' }]);
    const [record] = await ingress(gw.topics.ingress(AGENCY));
    expect(JSON.parse(record!.raw!.toString('utf8'))).toEqual({
      specversion: '1.0',
      id: 'bin/1',
      source: `/agencies/${AGENCY}`,
      type: 'ipasn.employee.upserted',
      subject: nip(7),
      time: '2026-01-05T09:00:00+07:00',
      datacontenttype: 'application/json',
      data,
    });
    // A body that is not JSON is the normalizer's MALFORMED, not a server error.
    const bad = await post(gw.url, '{"name": ', { ...asAgency(gw.tokens.token(AGENCY), BINARY_DATA), 'ce-specversion': '1.0', 'ce-id': 'bin-2' });
    expect([bad.status, (bad.body['results'] as { reason: string }[])[0]!.reason]).toEqual([422, 'MALFORMED']);
    const noCe = await post(gw.url, JSON.stringify(data), asAgency(gw.tokens.token(AGENCY), BINARY_DATA));
    expect(noCe.status).toBe(400);
  });

  it('401 without a token, with a wrong one, and with a revoked one (re-read without a restart)', async () => {
    const gw = await startTestGateway();
    const body = JSON.stringify(upsert('t-1'));
    const token = gw.tokens.token(AGENCY);
    const none = await post(gw.url, body, { 'content-type': STRUCTURED });
    expect([none.status, none.body['code'], none.headers.get('www-authenticate')]).toEqual([401, 'GATEWAY_UNAUTHENTICATED', 'Bearer realm="ipasn-gateway"']);
    const forged = `${token.slice(0, -4)}${token.endsWith('0000') ? '1111' : '0000'}`;
    expect((await post(gw.url, body, asAgency(forged, STRUCTURED))).status).toBe(401);
    expect((await post(gw.url, body, asAgency('not-a-token', STRUCTURED))).status).toBe(401);
    expect((await post(gw.url, body, asAgency(token, STRUCTURED))).status).toBe(202);
    gw.tokens.script('revoke', AGENCY);
    expect((await post(gw.url, body, asAgency(token, STRUCTURED))).status).toBe(401);
    // The other agency's token still works; a fresh token for the revoked agency works again.
    expect((await post(gw.url, JSON.stringify(upsert('t-2', OTHER)), asAgency(gw.tokens.token(OTHER), STRUCTURED))).status).toBe(202);
    gw.tokens.script('issue', AGENCY);
    expect((await post(gw.url, JSON.stringify(upsert('t-3')), asAgency(gw.tokens.token(AGENCY), STRUCTURED))).status).toBe(202);
    expect(metricSum(await gw.registry.metrics(), 'ipasn_gateway_auth_failures_total')).toBe(4);
  });

  it('403 when an event’s source is another agency, in any mode; nothing of the request is sent', async () => {
    const gw = await startTestGateway();
    const token = gw.tokens.token(AGENCY);
    const one = await post(gw.url, JSON.stringify(upsert('f-1', OTHER)), asAgency(token, STRUCTURED));
    expect([one.status, one.body['code']]).toEqual([403, 'GATEWAY_FORBIDDEN']);
    // Even when the event is otherwise invalid, and when only one event of a batch is foreign.
    expect((await post(gw.url, JSON.stringify({ ...upsert('f-2', OTHER), subject: 'x' }), asAgency(token, STRUCTURED))).status).toBe(403);
    const batch = await post(gw.url, JSON.stringify([upsert('f-3'), upsert('f-4', OTHER)]), asAgency(token, BATCH));
    expect([batch.status, String(batch.body['message'])]).toEqual([403, expect.stringContaining('index 1')]);
    const bin = await post(gw.url, '{}', { ...asAgency(token, BINARY_DATA), 'ce-specversion': '1.0', 'ce-source': `/agencies/${OTHER}` });
    expect(bin.status).toBe(403);
    expect(await ingress(gw.topics.ingress(AGENCY))).toHaveLength(0);
    expect(await ingress(gw.topics.ingress(OTHER))).toHaveLength(0);
  });

  it('413 for a body over GATEWAY_BODY_LIMIT_BYTES; 415 for another media type', async () => {
    const gw = await startTestGateway({ GATEWAY_BODY_LIMIT_BYTES: '65536' });
    const token = gw.tokens.token(AGENCY);
    const big = JSON.stringify([...Array(400).keys()].map((i) => upsert(`big-${i}`)));
    expect(Buffer.byteLength(big)).toBeGreaterThan(65_536);
    const r = await post(gw.url, big, asAgency(token, BATCH));
    expect([r.status, r.body['code']]).toEqual([413, 'GATEWAY_TOO_LARGE']);
    const text = await post(gw.url, 'hello', asAgency(token, 'text/plain'));
    expect([text.status, text.body['code']]).toEqual([415, 'GATEWAY_UNSUPPORTED_MEDIA_TYPE']);
    expect(await ingress(gw.topics.ingress(AGENCY))).toHaveLength(0);
  });

  it('429 with Retry-After past GATEWAY_RATE_MAX requests of one agency; other agencies are not limited by it', async () => {
    const gw = await startTestGateway({ GATEWAY_RATE_MAX: '2', GATEWAY_RATE_WINDOW_MS: '60000' });
    const token = gw.tokens.token(AGENCY);
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i < 3; i++) {
      last = await post(gw.url, JSON.stringify(upsert(`r-${i}`)), asAgency(token, STRUCTURED));
      statuses.push(last.status);
    }
    expect(statuses).toEqual([202, 202, 429]);
    expect(last!.body['code']).toBe('GATEWAY_RATE_LIMITED');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await post(gw.url, JSON.stringify(upsert('r-x', OTHER)), asAgency(gw.tokens.token(OTHER), STRUCTURED))).status).toBe(202);
  });

  it('503 with Retry-After, not a 500, when the rate limiter’s Redis is unavailable; nothing is sent', async () => {
    const gw = await startTestGateway({ GATEWAY_RETRY_AFTER_S: '7' });
    const token = gw.tokens.token(AGENCY);
    expect((await post(gw.url, JSON.stringify(upsert('u-1')), asAgency(token, STRUCTURED))).status).toBe(202);
    gw.redis.disconnect(); // no reconnect: every command now fails at once
    const refused = await post(gw.url, JSON.stringify(upsert('u-2')), asAgency(token, STRUCTURED));
    expect(refused.status).toBe(503);
    expect(refused.body['code']).toBe('GATEWAY_UNAVAILABLE');
    expect(refused.headers.get('retry-after')).toBe('7');
    const stored = await ingress(gw.topics.ingress(AGENCY));
    expect(stored.map((m) => (JSON.parse(m.raw!.toString('utf8')) as { id: string }).id)).toEqual(['u-1']);
  });

  it('counts requests, accepted and rejected events per agency, and produce latency', async () => {
    const gw = await startTestGateway();
    const token = gw.tokens.token(AGENCY);
    await post(gw.url, JSON.stringify([upsert('k-1'), { ...upsert('k-2'), subject: '1' }, training('k-3')]), asAgency(token, BATCH));
    await post(gw.url, JSON.stringify(upsert('k-4')), asAgency(token, STRUCTURED));
    const text = await gw.registry.metrics();
    expect(metricSum(text, 'ipasn_gateway_events_accepted_total', { agency: AGENCY })).toBe(3);
    expect(metricSum(text, 'ipasn_gateway_events_rejected_total', { agency: AGENCY, reason: 'INVALID_NIP' })).toBe(1);
    expect(metricSum(text, 'ipasn_gateway_requests_total', { mode: 'batch', status: '207' })).toBe(1);
    expect(metricSum(text, 'ipasn_gateway_requests_total', { mode: 'structured', status: '202' })).toBe(1);
    expect(metricSum(text, 'ipasn_gateway_produce_seconds_count')).toBe(2);
  });

  it('serves the OpenAPI document at /docs', async () => {
    const gw = await startTestGateway({}, { topics: false });
    const res = await fetch(`${gw.url}/docs/json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, { post?: { requestBody?: { content?: Record<string, unknown> } } }> };
    expect(Object.keys(doc.paths['/v1/events']?.post?.requestBody?.content ?? {}).sort()).toEqual([BINARY_DATA, BATCH, STRUCTURED].sort());
  });
});
