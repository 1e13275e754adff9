/** The pure parts: cutting batches into event bytes, binary mode, tokens, the produce queue's settling. */
import type { OutMessage } from '@ipasn/kafka';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binaryEvent, GatewayError, modeOf, parseTokenFile, ProduceQueue, splitJsonArray, verifyToken } from '../src/index.js';
import { sha256 } from '../src/auth/tokens.js';
import { Agencies } from '@ipasn/contracts';
import { checkEvents, namesOtherAgency } from '../src/ingest.js';

describe('splitJsonArray', () => {
  it.each([
    ['[]', []],
    [' [ ] ', []],
    ['[1]', ['1']],
    ['[ {"a":[1,2]} , "x,]" ,\n{"b":"\\"}"}\n]', ['{"a":[1,2]}', '"x,]"', '{"b":"\\"}"}']],
    ['[{"s":"é, ü ] }"},[[]]]', ['{"s":"é, ü ] }"}', '[[]]']],
  ])('%s', (text, parts) => {
    expect(splitJsonArray(Buffer.from(text)).map((b) => b.toString('utf8'))).toEqual(parts);
  });

  it('gives back elements that re-parse to what JSON.parse saw, for any JSON array', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 20 }), fc.integer({ min: 0, max: 3 }), (values, indent) => {
        const text = JSON.stringify(values, null, indent);
        const parts = splitJsonArray(Buffer.from(text));
        expect(parts.map((p) => JSON.parse(p.toString('utf8')) as unknown)).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  }, 60_000);
});

describe('binary mode', () => {
  const headers = { 'ce-specversion': '1.0', 'ce-id': 'a%20b', 'ce-source': '/agencies/3004', host: 'x', 'content-type': 'application/json' };

  it('splices the body in unchanged and cannot be made to override attributes', () => {
    const out = JSON.parse(binaryEvent(headers, Buffer.from(' {"x": 1} ')).toString()) as Record<string, unknown>;
    expect(out).toEqual({ specversion: '1.0', id: 'a b', source: '/agencies/3004', datacontenttype: 'application/json', data: { x: 1 } });
    // Not one JSON value: handed over alone (MALFORMED downstream), never spliced.
    expect(binaryEvent(headers, Buffer.from('{}, "source": "/agencies/9999"')).toString()).toBe('{}, "source": "/agencies/9999"');
  });

  it('needs ce-specversion', () => {
    expect(() => binaryEvent({ 'ce-id': '1' }, Buffer.from('{}'))).toThrow(GatewayError);
  });

  it('knows the three media types, with parameters and in any case', () => {
    expect([modeOf('application/cloudevents+json; charset=UTF-8'), modeOf('Application/CloudEvents-Batch+JSON'), modeOf('application/json'), modeOf('text/plain'), modeOf(undefined)]).toEqual([
      'structured',
      'batch',
      'binary',
      null,
      null,
    ]);
  });
});

describe('tokens', () => {
  const token = `ipasn_3004_0a1b2c3d_${'7'.repeat(48)}`;
  const db = `# header\n3004 0a1b2c3d ${sha256(token).toString('hex')} 2026-01-01T00:00:00Z -\n3004 99999999 ${sha256('x').toString('hex')} 2026-01-01T00:00:00Z 2026-02-01T00:00:00Z\n`;

  it('accepts the token whose hash is listed and not revoked', () => {
    const entries = parseTokenFile(db);
    expect(verifyToken(entries, token)).toBe('3004');
    expect(verifyToken(entries, token.replace('_7', '_8'))).toBeNull();
    expect(verifyToken(entries, `ipasn_3015_0a1b2c3d_${'7'.repeat(48)}`)).toBeNull();
    expect(verifyToken(entries, 'ipasn_3004_99999999_x')).toBeNull();
    expect(verifyToken(parseTokenFile(db.replace(' -\n', ' 2026-03-01T00:00:00Z\n')), token)).toBeNull();
  });

  it('refuses a malformed database, naming the line', () => {
    expect(() => parseTokenFile('# ok\n3004 zz\n')).toThrow(/line 2/u);
  });
});

describe('source check', () => {
  it.each([
    ['/agencies/3015', true],
    [' /agencies/3015 ', true],
    ['/agencies/3004', false],
    ['/agencies/3004/x', false],
    ['agency-3015', false],
    [null, false],
  ])('%s names another agency than 3004: %s', (source, other) => {
    expect(namesOtherAgency(source, '3004')).toBe(other);
  });
});

describe('checkEvents', () => {
  const ctx = { agency: '3004', topic: 'ipasn.ingress.3004', agencies: Agencies.default(), ingestionTime: new Date('2025-12-01T00:00:00Z') };
  const event = (id: string, extra: Record<string, unknown> = {}) =>
    Buffer.from(JSON.stringify({ specversion: '1.0', id, source: '/agencies/3004', type: 'ipasn.employee.upserted', subject: '198503152010011001', time: '2025-11-30T08:00:00+07:00', data: { name: 'A', employmentType: 'PNS', jobGroup: 'PELAKSANA' }, ...extra }));

  it('sends every event on, the rejected keyed by their subject digits, except a reject the ingress topic could not hold', () => {
    const huge = event('huge', { pad: 'x'.repeat(200_000) });
    const out = checkEvents([event('ok'), event('bad', { subject: '12-34' }), huge], ctx);
    expect(out.results.map((r) => [r.id, r.status])).toEqual([
      ['ok', 'accepted'],
      ['bad', 'rejected'],
      [null, 'rejected'],
    ]);
    expect(out.accepted).toBe(1);
    expect(out.messages.map((m) => m.key)).toEqual(['198503152010011001', '1234']);
  });
});

describe('ProduceQueue', () => {
  const m = (n: number): OutMessage[] => [...Array(n).keys()].map((i) => ({ topic: 't', key: String(i), value: Buffer.from('v') }));

  it('coalesces the requests that queue behind a send in flight into one send, and settles each', async () => {
    const sends: number[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const queue = new ProduceQueue(
      {
        send: async (messages) => {
          sends.push(messages.length);
          if (sends.length === 1) await gate;
        },
      },
      { timeoutMs: 60_000, maxMessagesPerSend: 100 },
    );
    const first = queue.send(m(1));
    const rest = [queue.send(m(2)), queue.send(m(3)), queue.send(m(4))];
    release();
    await Promise.all([first, ...rest]);
    expect(sends).toEqual([1, 9]);
  });

  it('a send that fails fails every request it carried with a retriable GATEWAY_UNAVAILABLE', async () => {
    const queue = new ProduceQueue({ send: () => Promise.reject(new Error('broker gone')) }, { timeoutMs: 60_000, maxMessagesPerSend: 100 });
    const err = await queue.send(m(2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect([(err as GatewayError).code, (err as GatewayError).retriable]).toEqual(['GATEWAY_UNAVAILABLE', true]);
  });

  it('a request that times out is withdrawn if its messages were not yet sent', async () => {
    const sent: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const queue = new ProduceQueue(
      {
        send: async (messages) => {
          sent.push(...messages.map((x) => String(x.key)));
          await gate;
        },
      },
      { timeoutMs: 50, maxMessagesPerSend: 100 },
    );
    const inFlight = queue.send([{ topic: 't', key: 'a', value: null }]).catch((e: unknown) => e);
    const queued = queue.send([{ topic: 't', key: 'b', value: null }]).catch((e: unknown) => e);
    expect(await queued).toBeInstanceOf(GatewayError);
    expect(await inFlight).toBeInstanceOf(GatewayError);
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect(sent).toEqual(['a']);
    expect(queue.queued).toBe(0);
  });

  it('an empty request sends nothing', async () => {
    const queue = new ProduceQueue({ send: () => Promise.reject(new Error('must not be called')) }, { timeoutMs: 10, maxMessagesPerSend: 1 });
    await expect(queue.send([])).resolves.toBeUndefined();
  });
});
