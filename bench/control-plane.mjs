// Control-plane benchmarks of the local sandbox (issue: foundation and control plane).
// Everything runs on 127.0.0.1 and stops by itself. Figures are measured in this one run; ratios compare
// figures taken side by side, so a noisy machine moves both.
//   node bench/control-plane.mjs [--functions 10000] [--regions 17]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LambdaClient, ListFunctionsCommand, GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { writeZip } from '../dist/archive/zip.js';
import { BENCH_REGIONS, pct, startSandbox } from './lib.mjs';

const { values } = parseArgs({ options: { functions: { type: 'string' }, regions: { type: 'string' } } });
const FUNCTIONS = Number(values.functions ?? 10_000);
const REGION_COUNT = Number(values.regions ?? 17);
const REGIONS = BENCH_REGIONS.slice(0, REGION_COUNT);

const fmt = (n, d = 2) => Number(n).toFixed(d);
const auth = (region) =>
  `AWS4-HMAC-SHA256 Credential=AKID/20260101/${region}/lambda/aws4_request, SignedHeaders=host, Signature=0`;

const startProcess = startSandbox;
const stopProcess = (child) =>
  new Promise((r) => {
    child.once('exit', r);
    child.kill('SIGTERM');
  });
const rss = (pid) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const get = (k) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)[1]) / 1024;
  return { rssMb: get('VmRSS'), peakMb: get('VmHWM') };
};
function nodeStartup() {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['-e', 'process.stdout.write("x")'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    child.stdout.once('data', () => resolve(performance.now() - t0));
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
function request(url, method, path, region, body) {
  return new Promise((resolve, reject) => {
    const u = new URL(path, url);
    const req = http.request(
      u,
      { method, agent, headers: { authorization: auth(region), 'content-type': 'application/json' } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
const client = (url, region) =>
  new LambdaClient({
    endpoint: url,
    region,
    maxAttempts: 1,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });

const dataDir = mkdtempSync(join(tmpdir(), 'glm-bench-'));
const results = {};
try {
  console.log(
    `go-lambda-migrate sandbox control-plane benchmark: ${FUNCTIONS} functions in ${REGIONS.length} regions`,
  );

  // 1. Start to listening, empty data dir, against bare Node start-up.
  const starts = [];
  const nodes = [];
  for (let i = 0; i < 7; i++) {
    const empty = mkdtempSync(join(tmpdir(), 'glm-bench-empty-'));
    const p = await startProcess(['--no-seed', '--data-dir', empty]);
    starts.push(p.ms);
    await stopProcess(p.child);
    rmSync(empty, { recursive: true, force: true });
    nodes.push(await nodeStartup());
  }
  results.startEmptyMs = pct(starts, 50);
  results.nodeStartMs = pct(nodes, 50);

  // 2. Populate through the API (the sandbox's import: CreateFunction without the go1.x block-create rule).
  const proc = await startProcess(['--no-seed', '--no-throttle', '--data-dir', dataDir]);
  const zip = (await writeZip([{ name: 'main', data: Buffer.alloc(4096, 7), mode: 0o755 }])).toString(
    'base64',
  );
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = next++; i < FUNCTIONS; i = next++) {
        const region = REGIONS[i % REGIONS.length];
        const body = JSON.stringify({
          FunctionName: `fn-${String(i).padStart(6, '0')}`,
          Runtime: i % 3 === 0 ? 'provided.al2' : 'go1.x',
          Handler: 'main',
          Role: 'arn:aws:iam::123456789012:role/r',
          Code: { ZipFile: zip },
        });
        const r = await request(proc.url, 'POST', '/_sandbox/import', region, body);
        if (r.status !== 201) throw new Error(`import failed: ${r.status} ${r.body}`);
      }
    }),
  );
  results.createPerSecond = FUNCTIONS / ((performance.now() - t0) / 1000);

  // 3. ListFunctions over every region, page by page, through the SDK.
  const pageMs = [];
  let listed = 0;
  const l0 = performance.now();
  for (const region of REGIONS) {
    const c = client(proc.url, region);
    let marker;
    do {
      const p0 = performance.now();
      const page = await c.send(new ListFunctionsCommand({ Marker: marker, MaxItems: 50 }));
      pageMs.push(performance.now() - p0);
      listed += page.Functions.length;
      marker = page.NextMarker;
    } while (marker);
  }
  if (listed !== FUNCTIONS) throw new Error(`listed ${listed}, expected ${FUNCTIONS}`);
  results.listAllMs = performance.now() - l0;
  results.listPages = pageMs.length;
  results.listPageP50Ms = pct(pageMs, 50);
  results.listPageP95Ms = pct(pageMs, 95);
  results.listPagesPerSecond = pageMs.length / (results.listAllMs / 1000);

  // 4. One control-plane call's loopback latency: raw keep-alive HTTP and through the SDK.
  const raw = [];
  for (let i = 0; i < 3000; i++) {
    const s = performance.now();
    const r = await request(proc.url, 'GET', '/2015-03-31/functions/fn-000000/configuration', REGIONS[0]);
    raw.push(performance.now() - s);
    if (r.status !== 200) throw new Error(`${r.status}`);
  }
  const sdk = [];
  const c0 = client(proc.url, REGIONS[0]);
  for (let i = 0; i < 1500; i++) {
    const s = performance.now();
    await c0.send(new GetFunctionConfigurationCommand({ FunctionName: 'fn-000000' }));
    sdk.push(performance.now() - s);
  }
  results.callRawP50Ms = pct(raw.slice(500), 50);
  results.callRawP99Ms = pct(raw.slice(500), 99);
  results.callSdkP50Ms = pct(sdk.slice(300), 50);
  results.memAfterWorkload = rss(proc.child.pid);
  await stopProcess(proc.child);

  // 5. Restart on the 10,000-function data dir: start to listening, memory once loaded and after a full listing.
  const big = [];
  for (let i = 0; i < 3; i++) {
    const p = await startProcess(['--no-seed', '--no-throttle', '--data-dir', dataDir]);
    big.push(p.ms);
    if (i === 2) {
      for (const region of REGIONS) {
        let marker;
        do {
          const q = `/2015-03-31/functions/?MaxItems=50${marker ? `&Marker=${marker}` : ''}`;
          const page = JSON.parse((await request(p.url, 'GET', q, region)).body);
          marker = page.NextMarker;
        } while (marker);
      }
      results.memLoaded = rss(p.child.pid);
    }
    await stopProcess(p.child);
  }
  results.startLoadedMs = pct(big, 50);
} finally {
  agent.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}

const r = results;
const row = (what, value, target) => console.log(`  ${what.padEnd(58)} ${value.padEnd(22)} ${target}`);
console.log('');
row('measure', 'this run', 'target');
row('start to listening, empty data dir (median of 7)', `${fmt(r.startEmptyMs, 0)} ms`, '<= 300 ms');
row(
  '  bare `node -e` start-up, same run (median of 7)',
  `${fmt(r.nodeStartMs, 0)} ms`,
  `ratio ${fmt(r.startEmptyMs / r.nodeStartMs)}x`,
);
row(`start to listening, ${FUNCTIONS} functions on disk (median of 3)`, `${fmt(r.startLoadedMs, 0)} ms`, '');
row('CreateFunction (import) throughput, 16 clients', `${fmt(r.createPerSecond, 0)} /s`, "each one fsync'd");
row(
  `ListFunctions, all ${r.listPages} pages of ${REGIONS.length} regions (SDK)`,
  `${fmt(r.listAllMs, 0)} ms`,
  '',
);
row('  one page of 50 (p50 / p95)', `${fmt(r.listPageP50Ms)} / ${fmt(r.listPageP95Ms)} ms`, '');
row(
  '  pages a second, one client, one region at a time',
  `${fmt(r.listPagesPerSecond, 0)} /s`,
  `${fmt(r.listPagesPerSecond / 15, 1)}x AWS's 15 req/s region quota`,
);
row(
  'GetFunctionConfiguration, raw HTTP keep-alive (p50 / p99)',
  `${fmt(r.callRawP50Ms, 3)} / ${fmt(r.callRawP99Ms, 3)} ms`,
  'p50 <= 1 ms',
);
row(
  'GetFunctionConfiguration through the SDK (p50)',
  `${fmt(r.callSdkP50Ms, 3)} ms`,
  `SDK overhead ${fmt(r.callSdkP50Ms / r.callRawP50Ms, 1)}x`,
);
row(
  `resident memory, ${FUNCTIONS} functions loaded and listed`,
  `${fmt(r.memLoaded.rssMb, 0)} MB (peak ${fmt(r.memLoaded.peakMb, 0)})`,
  '<= 200 MB',
);
row(
  'resident memory after the whole workload above',
  `${fmt(r.memAfterWorkload.rssMb, 0)} MB (peak ${fmt(r.memAfterWorkload.peakMb, 0)})`,
  '',
);
console.log(`\nJSON ${JSON.stringify(results)}`);
