import { createTopics, testNamespace, deleteNamespace, publishNdjson, generateStream, startService, groupProgress, committedTotal, sleep, scanTopic } from '/work/main/test/dist/index.js';
import { mkdtempSync, readFileSync } from 'node:fs';
const dir = mkdtempSync('/tmp/exp-');
const stream = await generateStream({ dir, events: 40000, seed: 'exp' });
const ns = testNamespace();
const topics = await createTopics(ns, stream.agencies, { cleanup: false });
const ingress = stream.agencies.map((a) => topics.ingress(a));
const group = `${ns}ipasn-normalizer`;
await publishNdjson(stream.file, { prefix: ns, expect: stream.expectations });
const svc = await startService('normalizer', { IPASN_TOPIC_PREFIX: ns, REDIS_PREFIX: ns, NODE_OPTIONS: '--require /tmp/prof/state.cjs' }, { cleanup: false });
await svc.waitReady();
for (let k = 0; k < 2; k++) {
  const before = committedTotal(await groupProgress(group, ingress));
  while (committedTotal(await groupProgress(group, ingress)) < before + 4000) await sleep(100);
  await sleep(Math.random() * 1200);
  const pid = svc.pid;
  await svc.kill('SIGKILL');
  console.log('kill', k, 'open tx at kill:', readFileSync(`/tmp/prof/state-${pid}`, 'utf8'));
  let n = 0; await scanTopic(topics.events, () => n++, { readUncommitted: true, timeoutMs: 5000 }).catch((e) => console.log('scan:', e.message));
  console.log('uncommitted records now', n);
  await svc.restart();
}
while (!(await groupProgress(group, ingress)).every((x) => x.drained)) await sleep(500);
let n = 0; await scanTopic(topics.events, () => n++, { readUncommitted: true, timeoutMs: 120000 });
let m = 0; await scanTopic(topics.events, () => m++, { timeoutMs: 120000 });
console.log('uncommitted', n, 'committed', m);
await svc.kill();
await deleteNamespace(ns);
