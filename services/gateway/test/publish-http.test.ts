/** `ipasn publish --http URL`: the CLI's second transport, through a real gateway into the real broker. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cliMain, decoders, readAll } from '@ipasn/e2e';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AGENCY, nip, OTHER, startTestGateway, training, upsert } from './fixtures.js';

const run = promisify(execFile);

function ndjson(): string {
  const lines = [
    upsert('p-1', AGENCY, nip(11)),
    upsert('p-2', OTHER, nip(12)),
    training('p-3', AGENCY, nip(11)),
    { ...training('p-4', AGENCY), subject: '42' },
    training('p-5', OTHER, nip(12)),
    upsert('p-6', AGENCY, nip(13)),
  ].map((e) => JSON.stringify(e));
  lines.splice(3, 0, '{"not json');
  return `${lines.join('\n')}\n`;
}

describe('ipasn publish --http', () => {
  it('sends each agency’s events with its own token; what the gateway stores is what Kafka publishing would', async () => {
    const gw = await startTestGateway();
    const dir = mkdtempSync(join(tmpdir(), 'gw-publish-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'in.ndjson');
    writeFileSync(file, ndjson());
    const env = { ...process.env, IPASN_TOPIC_PREFIX: gw.ns };
    const tokens = join(gw.tokens.dir, 'gateway', 'tokens');
    const first = await run('node', [cliMain(), 'publish', '--http', gw.url, '--credentials', tokens, '--json', '--quiet', file], { env });
    expect((JSON.parse(first.stdout) as { sent: number }).sent).toBe(5);
    const ids = async (code: string) => (await readAll(gw.topics.ingress(code), { decode: decoders.json })).map((r) => (r.value as { id: string }).id).sort();
    expect(await ids(AGENCY)).toEqual(['p-1', 'p-3', 'p-6']);
    expect(await ids(OTHER)).toEqual(['p-2', 'p-5']);

    // --send-invalid: the invalid event reaches the gateway, which rejects it at once and stores it
    // for the normalizer to dead-letter, as over Kafka; the unreadable line has no source, so no
    // agency to send it as (unroutable, as over Kafka).
    const second = await run('node', [cliMain(), 'publish', '--http', gw.url, '--credentials', tokens, '--send-invalid', '--json', file], { env });
    expect((JSON.parse(second.stdout) as { sent: number }).sent).toBe(6);
    expect(second.stderr).toContain('the gateway rejected 1 event(s), stored for the DLQ: INVALID_NIP 1');
    expect(await ids(AGENCY)).toEqual(['p-1', 'p-1', 'p-3', 'p-3', 'p-4', 'p-6', 'p-6']);
  });

  it('fails clearly with a wrong token', async () => {
    const gw = await startTestGateway({}, { topics: false });
    const dir = mkdtempSync(join(tmpdir(), 'gw-publish-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'in.ndjson');
    writeFileSync(file, `${JSON.stringify(upsert('w-1'))}\n`);
    const err = (await run('node', [cliMain(), 'publish', '--http', gw.url, '--quiet', file], { env: { ...process.env, IPASN_TOPIC_PREFIX: gw.ns, IPASN_GATEWAY_TOKEN: `ipasn_${AGENCY}_00000000_${'0'.repeat(48)}` } }).catch(
      (e: unknown) => e,
    )) as { code: number; stderr: string };
    expect(err.code).toBe(1);
    expect(err.stderr).toContain('the gateway answered 401');
  });
});
