import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskNips } from '../src/index.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { lines, destination };
}

describe('logger redaction', () => {
  it('never writes a name or NIP, at the top level or nested', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 'test', destination });
    const nip = '196804111993031009';
    log.info({ nip, name: 'Siti Rahayu', event: { nip, subject: nip, data: { name: 'Siti Rahayu' } } }, 'applied');
    log.child({ topic: 'ipasn.events', partition: 3 }).warn({ input: { name: 'Budi', nip }, key: nip }, 'rejected');
    const out = lines.join('');
    expect(out).not.toContain(nip);
    expect(out).not.toContain('Siti');
    expect(out).not.toContain('Budi');
    expect(out).toContain('[redacted]');
    expect(out).toContain('"topic":"ipasn.events"');
    expect(out).toContain('"service":"test"');
  });

  it('redacts the NIPs an error carries (StateConflictError.nips), as logged by the consumer on a crash', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 'test', destination });
    const nip = '196804111993031009';
    const err = Object.assign(new Error('profile writes kept conflicting for 3 events'), { code: 'STATE_CONFLICT', nips: [nip] });
    log.error({ err, restart: true }, 'consumer crashed');
    const out = lines.join('');
    expect(out).not.toContain(nip);
    expect(out).toContain('STATE_CONFLICT');
  });

  it('masks NIP-like digits in free text', () => {
    expect(maskNips('bad key 19680411 199303 1 009 here')).toBe('bad key [nip] here');
    expect(maskNips('id 196804111993031009')).toBe('id [nip]');
    expect(maskNips('offset 12345')).toBe('offset 12345');
  });
});
