// The cost of WAIT 1 <ms> after a chunk's writes (docs/scaling.md): chunks of 100 pipelined SETs of
// 400 bytes, with and without WAIT 1 1000, through Sentinel. Run on cluster mode:
//   source infra/scripts/lib.sh; source infra/cluster/env.sh; as_principal admin admin; node bench/redis-wait.mjs
import { createRedis } from '@ipasn/redis';
import { loadConfig, redisConnection } from '@ipasn/config';
import { silentLogger } from '@ipasn/logger';
const r = createRedis({ ...redisConnection(loadConfig(process.env)), logger: silentLogger() });
const chunk = async (i, wait) => {
  const p = r.pipeline();
  for (let k = 0; k < 100; k++) p.set(`bench:wait:${k}`, `${i}-${'x'.repeat(400)}`);
  await p.exec();
  if (wait) { const n = await r.wait(1, 1000); if (n < 1) throw new Error('replica did not ack'); }
};
for (const wait of [false, true, false, true]) {
  const ms = [];
  for (let i = 0; i < 300; i++) { const t = performance.now(); await chunk(i, wait); ms.push(performance.now() - t); }
  ms.sort((a, b) => a - b);
  console.log(`${wait ? 'with WAIT 1 1000' : 'without WAIT    '}: median ${ms[150].toFixed(2)} ms, p95 ${ms[285].toFixed(2)} ms per 100-write chunk`);
}
await r.del(...Array.from({ length: 100 }, (_, k) => `bench:wait:${k}`));
r.disconnect();
