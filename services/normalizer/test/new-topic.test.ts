/**
 * An agency ingress topic created while the normalizer runs is consumed without a restart (the
 * normalizer lists topics every NORMALIZER_TOPIC_REFRESH_MS), and the agency list comes from
 * IPASN_AGENCIES_FILE: the new agency is known only there.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  createIngressTopic,
  createTopics,
  decoders,
  publishLines,
  readAll,
  REPO_ROOT,
  startService,
  testNamespace,
  waitForDrain,
} from '@ipasn/e2e';

const NEW_AGENCY = '9001';

function agenciesFileWith(code: string): string {
  const shipped = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/contracts/src/data/agencies.json'), 'utf8')) as { version: number; agencies: unknown[] };
  const list = { ...shipped, agencies: [...shipped.agencies, { code, name: 'Instansi Uji Beban', pilot: false, primary: { ruleSet: 'perban-8-2019', from: null }, cadenceDays: 7 }] };
  const dir = mkdtempSync(join(tmpdir(), 'normalizer-agencies-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'agencies.json');
  writeFileSync(file, JSON.stringify(list));
  return file;
}

function upsert(agency: string, id: string, nip: string): string {
  return JSON.stringify({
    specversion: '1.0',
    id,
    source: `/agencies/${agency}`,
    type: 'ipasn.employee.upserted',
    subject: nip,
    time: new Date(Date.now() - 60_000).toISOString(),
    data: { name: 'Pegawai Uji', employmentType: 'PPPK', jobGroup: 'Ahli Pertama' },
  });
}

describe('normalizer: new agency topics', () => {
  it('consumes an ingress topic created while it runs, without a restart', async () => {
    const ns = testNamespace();
    const topics = await createTopics(ns, ['3004']);
    const group = `${ns}ipasn-normalizer`;
    const svc = await startService('normalizer', {
      IPASN_TOPIC_PREFIX: ns,
      REDIS_PREFIX: ns,
      IPASN_AGENCIES_FILE: agenciesFileWith(NEW_AGENCY),
      NORMALIZER_TOPIC_REFRESH_MS: '1000',
    });
    await svc.waitReady();
    await publishLines([upsert('3004', 'first', '198501012010011001')], { prefix: ns });
    await waitForDrain(group, [topics.ingress('3004')], 60_000);

    const t0 = Date.now();
    const created = await createIngressTopic(ns, NEW_AGENCY);
    await publishLines([upsert(NEW_AGENCY, 'from-the-new-agency', '199001012015012001')], { prefix: ns });
    await waitForDrain(group, [topics.ingress('3004'), created], 60_000);
    const pickupMs = Date.now() - t0;

    const events = await readAll(topics.events, { decode: decoders.canonicalEvent });
    expect(events.map((e) => [e.value.id, e.value.agencyCode]).sort()).toEqual([
      ['first', '3004'],
      ['from-the-new-agency', NEW_AGENCY],
    ]);
    expect(await readAll(topics.dlq, { decode: decoders.deadLetter })).toEqual([]);
    expect(svc.starts).toBe(1);
    expect(svc.running).toBe(true);
    expect(svc.logs()).toMatch(new RegExp(`"added":\\["${created.replace(/\./gu, '\\.')}"\\]`, 'u'));
    // One refresh interval plus a consumer restart (leave, join) on 2 busy cores.
    expect(pickupMs).toBeLessThan(30_000);
  });
});
