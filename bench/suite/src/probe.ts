/**
 * The external freshness probe (issue 15, item 4): what an operator sees. While the steady stream
 * runs, it publishes one marked event at a time — an `employee.upserted` of a new employee of a
 * probe agency that nothing else writes to — and polls the console's API for that agency until its
 * headcount counts it. The time from the send to the first answer that counts it is one sample:
 * the whole path (publish, normalizer, scorer, projector, Redis, the console's read) as a client
 * of the console sees it, polling every `pollMs`.
 *
 * The probe agency is added to the agency list the services run with (IPASN_AGENCIES_FILE), so it
 * is a known agency with its own ingress topic; its employees are born in 1940, an age no generated
 * employee has, so no NIP of the stream can collide with one of the probe's.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, sleep, testKafka, type ServiceHandle } from '@ipasn/e2e';
import { BatchProducer } from '@ipasn/kafka';
import { topicNames } from '@ipasn/pipeline';

export const PROBE_AGENCY = '9999';

/** Writes the shipped agency list plus the probe agency to `file`; returns `file`. */
export function writeProbeAgencies(file: string): string {
  const shipped = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/contracts/src/data/agencies.json'), 'utf8')) as { version: number; agencies: unknown[] };
  const probe = { code: PROBE_AGENCY, name: 'Bench freshness probe', pilot: false, primary: { ruleSet: 'perban-8-2019', from: null }, cadenceDays: 7 };
  writeFileSync(file, JSON.stringify({ ...shipped, agencies: [...shipped.agencies, probe] }, null, 2));
  return file;
}

/** The i-th probe employee's NIP: born 1940 (day i / 1000 of the year), appointed 1960-01, serial i % 1000. */
export function probeNip(i: number): string {
  if (!Number.isInteger(i) || i < 0 || i >= 365_000) throw new RangeError(`probe ${i}: 0 to 364,999`);
  const day = new Date(Date.UTC(1940, 0, 1 + Math.floor(i / 1000)));
  const ymd = day.toISOString().slice(0, 10).replaceAll('-', '');
  return `${ymd}196001` + `1${String(i % 1000).padStart(3, '0')}`;
}

export function probeEvent(runId: string, i: number, now: Date): string {
  return JSON.stringify({
    specversion: '1.0',
    id: `probe-${runId}-${i}`,
    source: `/agencies/${PROBE_AGENCY}`,
    type: 'ipasn.employee.upserted',
    subject: probeNip(i),
    time: now.toISOString(),
    datacontenttype: 'application/json',
    data: { name: `Probe ${i}`, employmentType: 'PNS', jobGroup: 'PELAKSANA' },
  });
}

export interface ProbeResult {
  /** Seconds from the send to the console's first answer that counted the probe, in probe order. */
  samples: number[];
  /** A probe the console had not counted after `timeoutMs` (the probe stops there). */
  timedOut: number | null;
  /** Console requests made. */
  polls: number;
}

export interface ProbeOptions {
  ns: string;
  console: ServiceHandle;
  token: string;
  /** Probing stops (after the probe in flight) once this returns true. */
  stop: () => boolean;
  /** One probe starts at most every `everyMs` (default 250). */
  everyMs?: number;
  /** Console poll interval (default 20 ms). */
  pollMs?: number;
  timeoutMs?: number;
}

export async function freshnessProbe(o: ProbeOptions): Promise<ProbeResult> {
  const everyMs = o.everyMs ?? 250;
  const pollMs = o.pollMs ?? 20;
  const timeoutMs = o.timeoutMs ?? 60_000;
  const runId = Date.now().toString(36);
  const topic = topicNames(o.ns).ingress(PROBE_AGENCY);
  let polls = 0;
  const headcount = async (): Promise<number> => {
    polls++;
    const res = await fetch(o.console.url(`/api/agencies/${PROBE_AGENCY}`), { headers: { authorization: `Bearer ${o.token}`, accept: 'application/json' } });
    if (res.status !== 200) throw new Error(`console GET /api/agencies/${PROBE_AGENCY}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { headcount: { total: number } }).headcount.total;
  };
  const producer = new BatchProducer(testKafka());
  await producer.connect();
  const samples: number[] = [];
  try {
    const base = await headcount();
    for (let i = 0; !o.stop(); i++) {
      const t0 = performance.now();
      await producer.send([{ topic, key: probeNip(i), value: Buffer.from(probeEvent(runId, i, new Date())) }]);
      for (;;) {
        if ((await headcount()) >= base + i + 1) break;
        if (performance.now() - t0 > timeoutMs) return { samples, timedOut: i, polls };
        await sleep(pollMs);
      }
      samples.push((performance.now() - t0) / 1000);
      const rest = t0 + everyMs - performance.now();
      if (rest > 0) await sleep(rest);
    }
    return { samples, timedOut: null, polls };
  } finally {
    await producer.close();
  }
}
