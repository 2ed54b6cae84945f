// Migration-engine benchmarks against the sandbox (the migration-engine issue). Ratios come from one run.
//   node bench/migration.mjs [--functions 10000] [--regions 17] [--apply 50]
// 1. scan of N functions in R regions with --latency-ms 50 and AWS's quotas on: its time, the quota-bound
//    minimum (pages are sequential per region; 15 req/s for ListFunctions pages, 100 req/s for GetFunction on
//    each candidate; regions in parallel), and the same scan region by region.
// 2. apply of M go1.x functions with --update-delay-ms 1000: its time against the bound set by 15 req/s for the
//    mutating calls and the waits for Successful.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLambdaPort } from '../dist/aws/lambda-port.js';
import { quotaPacer } from '../dist/core/pacing.js';
import { scanFunctions } from '../dist/core/scan.js';
import { writeZip } from '../dist/archive/zip-write.js';
import { findGo } from '../dist/golang/go-toolchain.js';
import { buildDemoBinary, defaultBuildCache, DEMO_FUNCTIONS } from '../dist/sandbox/seed.js';
import { BENCH_REGIONS, CLI, startSandbox } from './lib.mjs';

const { values } = parseArgs({
  options: {
    functions: { type: 'string' },
    regions: { type: 'string' },
    apply: { type: 'string' },
    'skip-scan': { type: 'boolean' },
  },
});
const N = Number(values.functions ?? 10_000);
const R = Number(values.regions ?? 17);
const M = Number(values.apply ?? 50);
const LATENCY = 50;
const REGIONS = BENCH_REGIONS.slice(0, R);
const work = mkdtempSync(join(tmpdir(), 'glm-bench-migrate-'));
const fmt = (n, d = 2) => Number(n).toFixed(d);

const sandbox = startSandbox;
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
const importFn = (url, region, body) =>
  new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/_sandbox/import`,
      {
        method: 'POST',
        agent,
        headers: { authorization: `AWS4-HMAC-SHA256 Credential=A/20260101/${region}/lambda/aws4_request` },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 201 ? resolve() : reject(new Error(`import ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
const port = (url) =>
  createLambdaPort({
    endpointUrl: url,
    staticCredentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    pace: quotaPacer(),
    maxAttempts: 10,
  });

try {
  const binary = await buildDemoBinary(
    await findGo(),
    DEMO_FUNCTIONS.find((f) => f.name === 'payments-webhook'),
    defaultBuildCache(),
  );
  const goZip = writeZip([{ name: 'payments-webhook', data: binary, mode: 0o755 }]).toString('base64');
  const smallZip = writeZip([
    { name: 'index.mjs', data: Buffer.from('export const handler = async () => 1;') },
  ]).toString('base64');

  let sb;
  let parallel, sequential, scanBound, scanBoundSequential;
  if (!values['skip-scan']) {
    // ---- scan ---------------------------------------------------------------------------------------------
    const scanDir = join(work, 'scan');
    sb = await sandbox(['--no-seed', '--no-throttle', '--data-dir', scanDir]);
    let next = 0;
    const perRegion = Object.fromEntries(REGIONS.map((r) => [r, { n: 0, c: 0 }]));
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let i = next++; i < N; i = next++) {
          const region = REGIONS[i % REGIONS.length];
          const go = i % 3 !== 2;
          perRegion[region].n++;
          if (go) perRegion[region].c++;
          await importFn(sb.url, region, {
            FunctionName: `fn-${String(i).padStart(6, '0')}`,
            Runtime: go ? 'go1.x' : 'nodejs20.x',
            Handler: go ? 'payments-webhook' : 'index.handler',
            Role: 'arn:aws:iam::123456789012:role/r',
            Code: { ZipFile: i % 3 === 0 ? goZip : smallZip },
          });
        }
      }),
    );
    await sb.stop();
    sb = await sandbox(['--no-seed', '--latency-ms', String(LATENCY), '--data-dir', scanDir]);
    const timeScan = async (regionConcurrency) => {
      const t0 = performance.now();
      let result;
      for await (const e of scanFunctions(port(sb.url), { regions: REGIONS, regionConcurrency }))
        if (e.type === 'done') result = e.result;
      const ms = performance.now() - t0;
      if (result.errors.length) throw new Error(JSON.stringify(result.errors[0]));
      return { ms, found: result.functions.length };
    };
    parallel = await timeScan(32);
    await new Promise((r) => setTimeout(r, 1500)); // let the quota buckets refill
    sequential = await timeScan(1);
    await sb.stop();
    const lat = LATENCY / 1000;
    const boundOf = ({ n, c }) => {
      const pages = Math.max(1, Math.ceil(n / 50));
      return Math.max(pages * lat, (pages - 15) / 15) + Math.max(lat, (c - 100) / 100);
    };
    scanBound = Math.max(...Object.values(perRegion).map(boundOf)) * 1000;
    scanBoundSequential =
      Object.values(perRegion)
        .map(boundOf)
        .reduce((a, b) => a + b, 0) * 1000;
  }
  // ---- apply --------------------------------------------------------------------------------------------
  const applyDir = join(work, 'apply');
  sb = await sandbox([
    '--no-seed',
    '--update-delay-ms',
    '1000',
    '--data-dir',
    applyDir,
    '--access-log',
    '/tmp/apply-access.log',
  ]);
  for (let i = 0; i < M; i++) {
    await importFn(sb.url, 'eu-west-1', {
      FunctionName: `m-${String(i).padStart(3, '0')}`,
      Runtime: 'go1.x',
      Handler: 'payments-webhook',
      Role: 'arn:aws:iam::123456789012:role/r',
      Code: { ZipFile: goZip },
    });
  }
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'a',
    AWS_SECRET_ACCESS_KEY: 'b',
    AWS_ENDPOINT_URL: sb.url,
  };
  const common = ['--state-dir', join(work, 'state'), '--region', 'eu-west-1'];
  const planFile = join(work, 'plan.json');
  const p = spawnSync(process.execPath, [CLI, ...common, 'plan', '--all', '--out', planFile], {
    env,
    encoding: 'utf8',
  });
  if (p.status !== 0) throw new Error(p.stderr);
  await new Promise((r) => setTimeout(r, 1500));
  const t0 = performance.now();
  const a = spawnSync(
    process.execPath,
    [CLI, ...common, 'apply', '--plan', planFile, '--yes', '--json', '--concurrency', String(M)],
    { env, encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  const applyMs = performance.now() - t0;
  await sb.stop();
  const results = JSON.parse(a.stdout).results;
  const migrated = results.filter((r) => r.status === 'migrated').length;
  // Per function: PublishVersion and three updates (bridge, configuration, code) at 15 req/s (burst 15);
  // each update stays InProgress 1 s and the next waits for Successful.
  const mutating = 4 * M;
  // The last update still stays InProgress for 1 s after the last call: that wait cannot overlap anything.
  const applyBound = Math.max(((mutating - 15) / 15 + 1) * 1000, 3 * 1000);

  const row = (what, value, note) => console.log(`  ${what.padEnd(64)} ${value.padEnd(12)} ${note}`);
  console.log(`\ngo-lambda-migrate migration benchmark\n`);
  row('measure', 'this run', 'target / comparison');
  if (parallel) {
    row(
      `scan: ${N} functions, ${R} regions, ${LATENCY} ms latency, quotas on`,
      `${fmt(parallel.ms / 1000)} s`,
      `${parallel.found} candidates`,
    );
    row(
      '  quota-bound minimum (regions in parallel)',
      `${fmt(scanBound / 1000)} s`,
      `ratio ${fmt(parallel.ms / scanBound)} (<= 1.3)`,
    );
    row(
      '  the same scan region by region',
      `${fmt(sequential.ms / 1000)} s`,
      `${fmt(sequential.ms / parallel.ms, 1)}x slower (its own bound ${fmt(scanBoundSequential / 1000)} s)`,
    );
  }
  row(
    `apply: ${M} go1.x functions, 1 s update delay, quotas on`,
    `${fmt(applyMs / 1000)} s`,
    `${migrated}/${M} migrated`,
  );
  row(
    '  bound set by 15 req/s and the waits',
    `${fmt(applyBound / 1000)} s`,
    `ratio ${fmt(applyMs / applyBound)} (<= 1.3)`,
  );
  console.log(
    `\nJSON ${JSON.stringify({ scanMs: parallel?.ms, scanBound, sequentialMs: sequential?.ms, applyMs, applyBound, migrated })}`,
  );
} finally {
  agent.destroy();
  rmSync(work, { recursive: true, force: true });
}
