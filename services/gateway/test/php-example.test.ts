/**
 * docs/gateway.md's PHP client, as printed there, run by Debian's php-cli against the gateway over
 * HTTPS with the local CA (scripts/ensure-php.sh installs PHP; `npm test` calls it). What an agency
 * copies must work: a 202, a retry after a 429 that honours Retry-After, and a 207 naming the
 * rejected event; the ingress topic holds exactly what was answered.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decoders, metricSum, readAll, REPO_ROOT } from '@ipasn/e2e';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AGENCY, nip, startTestGateway, upsert } from './fixtures.js';

const run = promisify(execFile);

/** The PHP block of docs/gateway.md: the function, and the doc's own call of it. */
function phpExample(): { fn: string; call: string } {
  const doc = readFileSync(join(REPO_ROOT, 'docs/gateway.md'), 'utf8');
  const block = /```php\n([\s\S]*?)```/u.exec(doc)?.[1];
  if (block === undefined) throw new Error('docs/gateway.md has no ```php block');
  const at = block.indexOf('$answer = ipasn_send(');
  if (at < 0) throw new Error('the PHP example no longer calls ipasn_send');
  return { fn: block.slice(0, at), call: block.slice(at) };
}

describe('the PHP client of docs/gateway.md', () => {
  it('sends over HTTPS with the local CA, retries a 429 after Retry-After, and reads a 207’s rejected event', async () => {
    const { fn, call } = phpExample();
    expect(fn.startsWith('<?php\n')).toBe(true);
    expect(call).toContain("error_log(\"event {$r['id']}");
    const secrets = process.env['IPASN_SECRETS_DIR']!;
    // One request per agency per 10 s: the script's second request meets a 429 and must wait it out
    // (a window long enough that even a slow machine's first request does not outlive it).
    const gw = await startTestGateway({
      GATEWAY_TLS_CERT_FILE: join(secrets, 'gateway/tls.pem'),
      GATEWAY_TLS_KEY_FILE: join(secrets, 'gateway/tls.key'),
      GATEWAY_RATE_MAX: '1',
      GATEWAY_RATE_WINDOW_MS: '10000',
    });
    expect(gw.url.startsWith('https://')).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'gw-php-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const script = join(dir, 'client.php');
    writeFileSync(
      script,
      `${fn}
$url = getenv('IPASN_URL') . '/v1/events';
$first = ipasn_send(json_decode(getenv('IPASN_FIRST'), true), getenv('IPASN_TOKEN'), $url, getenv('IPASN_CA'));
$t0 = microtime(true);
$second = ipasn_send(json_decode(getenv('IPASN_SECOND'), true), getenv('IPASN_TOKEN'), $url, getenv('IPASN_CA'));
echo json_encode(['first' => $first, 'second' => $second, 'waited' => microtime(true) - $t0]);
`,
    );
    const bad = { ...upsert('php-3'), subject: '19850315201001100' }; // 17 digits: not a NIP
    const env = {
      ...process.env,
      IPASN_URL: gw.url,
      IPASN_TOKEN: gw.tokens.token(AGENCY),
      IPASN_CA: join(secrets, 'kafka/ca.pem'),
      IPASN_FIRST: JSON.stringify([upsert('php-1')]),
      IPASN_SECOND: JSON.stringify([upsert('php-2', AGENCY, nip(2)), bad]),
    };
    const { stdout } = await run('php', [script], { env, timeout: 120_000 });
    const out = JSON.parse(stdout) as { first: { accepted: number; rejected: number }; second: { accepted: number; rejected: number; results: { id: string; status: string; reason?: string }[] }; waited: number };
    expect(out.first).toMatchObject({ agency: AGENCY, accepted: 1, rejected: 0 });
    expect(out.second).toMatchObject({ agency: AGENCY, accepted: 1, rejected: 1 });
    expect(out.second.results.map((r) => [r.id, r.status])).toEqual([['php-2', 'accepted'], ['php-3', 'rejected']]);
    expect(out.second.results[1]!.reason).toBe('INVALID_NIP');
    // The second call was refused once (429) and waited for its Retry-After before it went through.
    expect(out.waited).toBeGreaterThan(0.5);
    expect(metricSum(await gw.registry.metrics(), 'ipasn_gateway_requests_total', { status: '429' })).toBe(1);
    const stored = await readAll(gw.topics.ingress(AGENCY), { decode: decoders.raw });
    expect(stored.map((m) => (JSON.parse(m.raw!.toString('utf8')) as { id: string }).id).sort()).toEqual(['php-1', 'php-2', 'php-3']);
  }, 180_000);
});
