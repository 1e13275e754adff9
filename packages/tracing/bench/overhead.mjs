#!/usr/bin/env node
/**
 * `npm run bench -w @ipasn/tracing`: the CPU that tracing costs a service per record and hop, in
 * this process only (process.cpuUsage: CPU time, not wall time, so a busy machine skews it less than
 * a throughput figure). A chunk handler that does nothing but `injectFrom` into one output record is
 * run over chunks of 1000 records that carry a `traceparent`, three ways, each in a fresh process:
 * off (no exporter: the handler is not even wrapped), on exporting to `IPASN_TRACES_FILE=/dev/null`,
 * and on exporting over OTLP/HTTP to a receiver in another process (which discards the bodies).
 * Spans are flushed every 4 chunks, so none is dropped from the queue and every export is paid for.
 */
import { spawn, spawnSync } from 'node:child_process';

const RECORDS = Number(process.env['BENCH_RECORDS'] ?? 200_000);
const CHUNK = 1000;

if (process.argv[2] === 'run') {
  const { startTracing, traceChunks, injectFrom } = await import('../dist/index.js');
  const tracing = startTracing({ serviceName: 'bench' });
  const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const handler = traceChunks(async (messages) => {
    for (const m of messages) injectFrom(m, { topic: 'out', headers: { ce_id: m.offset } });
  }, { group: 'bench' });
  const chunk = (base) => Array.from({ length: CHUNK }, (_, i) => ({ offset: String(base + i), headers: { traceparent: Buffer.from(parent) } }));
  for (let i = 0; i < 20_000; i += CHUNK) await handler(chunk(i), { topic: 'in', partition: 0 }); // warm-up
  const before = process.cpuUsage();
  for (let i = 0; i < RECORDS; i += CHUNK) {
    await handler(chunk(i), { topic: 'in', partition: 0 });
    // Exported every 4 chunks: the queue (8192) never overflows, so no span is dropped unpaid.
    if ((i / CHUNK) % 4 === 3) await tracing.flush();
  }
  await tracing.shutdown();
  const used = process.cpuUsage(before);
  process.stdout.write(JSON.stringify({ cpuUs: used.user + used.system }));
} else {
  // The receiver must not share this process's CPU count: it runs in a child.
  const child = spawn(process.execPath, ['-e', `require('node:http').createServer((q, r) => q.on('data', () => {}).on('end', () => r.writeHead(200, {'content-type': 'application/json'}).end('{}'))).listen(0, '127.0.0.1', function () { console.log(this.address().port) })`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve) => child.stdout.once('data', (d) => resolve(String(d).trim())));
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('OTEL_') || k === 'IPASN_TRACES_FILE') delete base[k];
  const modes = [
    ['off', base],
    ['on, IPASN_TRACES_FILE=/dev/null', { ...base, IPASN_TRACES_FILE: '/dev/null' }],
    ['on, OTLP/HTTP JSON', { ...base, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` }],
  ];
  console.log(`tracing overhead: ${RECORDS.toLocaleString('en-US')} records in chunks of ${CHUNK}, CPU µs per record (this process only)`);
  let off = 0;
  try {
  for (const [name, env] of modes) {
    const r = spawnSync(process.execPath, [new URL(import.meta.url).pathname, 'run'], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${name}: ${r.stderr}`);
    const perRecord = JSON.parse(r.stdout).cpuUs / RECORDS;
    if (name === 'off') off = perRecord;
    console.log(`| ${name} | ${perRecord.toFixed(2)} µs | ${name === 'off' ? '' : `+${(perRecord - off).toFixed(2)} µs`} |`);
  }
  } finally {
    child.kill();
  }
}
