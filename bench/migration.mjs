// Migration-engine benchmarks against the sandbox (the migration-engine issue). Ratios come from one run.
//   node bench/migration.mjs [--functions 10000] [--regions 17] [--apply 50]
// 1. scan of N functions in R regions with --latency-ms 50 and AWS's quotas on: its time, the quota-bound
//    minimum (pages are sequential per region, 15 req/s for ListFunctions pages; the tags of up to 100
//    candidates per GetResources call; regions in parallel), and the same scan region by region.
// 2. apply of M go1.x functions with --update-delay-ms 1000: its time against the bound set by 15 req/s for the
//    mutating calls and the waits for Successful.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeZip } from '../dist/archive/zip.js';
import { findGo } from '../dist/golang/go-toolchain.js';
import { buildDemoBinary, defaultBuildCache, DEMO_FUNCTIONS } from '../dist/sandbox/seed.js';
import { BENCH_REGIONS, CLI, startSandbox } from './lib.mjs';

const SCAN_ONCE = new URL('./scan-once.mjs', import.meta.url).pathname;

const { values } = parseArgs({
  options: {
    functions: { type: 'string' },
    regions: { type: 'string' },
    apply: { type: 'string' },
    'skip-scan': { type: 'boolean' },
    'skip-apply': { type: 'boolean' },
    // Keeps the loaded scan functions in DIR and reuses them on the next run (loading takes minutes).
    'scan-data': { type: 'string' },
    // Leaves the work folder (access logs, state, plan) in place and prints where it is.
    keep: { type: 'boolean' },
  },
});
const N = Number(values.functions ?? 10_000);
const R = Number(values.regions ?? 17);
const M = Number(values.apply ?? 50);
const LATENCY = 50;
const REGIONS = BENCH_REGIONS.slice(0, R);
const work = mkdtempSync(join(tmpdir(), 'glm-bench-migrate-'));
const fmt = (n, d = 2) => Number(n).toFixed(d);

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
try {
  const binary = await buildDemoBinary(
    await findGo(),
    DEMO_FUNCTIONS.find((f) => f.name === 'payments-webhook'),
    defaultBuildCache(),
  );
  const goZip = (await writeZip([{ name: 'payments-webhook', data: binary, mode: 0o755 }])).toString(
    'base64',
  );
  const smallZip = (
    await writeZip([{ name: 'index.mjs', data: Buffer.from('export const handler = async () => 1;') }])
  ).toString('base64');

  let sb;
  let parallel, sequential, coldSandbox, scanBound, scanBoundSequential;
  if (!values['skip-scan']) {
    // ---- scan ---------------------------------------------------------------------------------------------
    const scanDir = values['scan-data'] ?? join(work, 'scan');
    // Per region, in listing order (names sort as they were made): whether each function is a candidate.
    const perRegion = Object.fromEntries(REGIONS.map((r) => [r, []]));
    const fns = Array.from({ length: N }, (_, i) => {
      const region = REGIONS[i % REGIONS.length];
      const go = i % 3 !== 2;
      perRegion[region][Math.floor(i / REGIONS.length)] = go;
      return { i, region, go };
    });
    const marker = join(scanDir, `.bench-loaded-tagged-${N}-${R}`);
    if (!existsSync(marker)) {
      rmSync(scanDir, { recursive: true, force: true });
      sb = await startSandbox(['--no-seed', '--no-throttle', '--data-dir', scanDir]);
      let next = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          for (let k = next++; k < N; k = next++) {
            const { i, region, go } = fns[k];
            await importFn(sb.url, region, {
              FunctionName: `fn-${String(i).padStart(6, '0')}`,
              Runtime: go ? 'go1.x' : 'nodejs20.x',
              Handler: go ? 'payments-webhook' : 'index.handler',
              Role: 'arn:aws:iam::123456789012:role/r',
              Code: { ZipFile: i % 3 === 0 ? goZip : smallZip },
              // Half the functions come from a stack, as the tags CloudFormation sets say.
              ...(i % 2 === 0 && {
                Tags: {
                  'aws:cloudformation:stack-name': `stack-${i % 40}`,
                  'aws:cloudformation:logical-id': `Fn${i}`,
                },
              }),
            });
          }
        }),
      );
      writeFileSync(marker, '');
      await sb.stop();
    }
    sb = await startSandbox(['--no-seed', '--latency-ms', String(LATENCY), '--data-dir', scanDir]);
    const sandboxCpuMs = () => {
      try {
        const f = readFileSync(`/proc/${sb.child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
        return (Number(f[11]) + Number(f[12])) * 10;
      } catch {
        return NaN;
      }
    };
    // Each scan runs in a fresh process, as a user's `scan` does (its start-up is not timed: it loads
    // go-lambda-migrate's modules, then times the scan from its first call to its result).
    const timeScan = (regionConcurrency) => {
      const s0 = sandboxCpuMs();
      const out = spawnSync(
        process.execPath,
        [SCAN_ONCE, sb.url, REGIONS.join(','), String(regionConcurrency)],
        { encoding: 'utf8', maxBuffer: 64 << 20 },
      );
      if (out.status !== 0) throw new Error(out.stderr);
      const r = JSON.parse(out.stdout);
      if (r.errors.length) throw new Error(JSON.stringify(r.errors[0]));
      return { ...r, sandboxCpuMs: sandboxCpuMs() - s0 };
    };
    const refill = () => new Promise((r) => setTimeout(r, 1500)); // the quota buckets fill up again
    // AWS's endpoints are warm; a sandbox just started is not (its JavaScript is not compiled yet, and its
    // first scan costs it a third more CPU). One scan first, untimed, then the timed ones.
    coldSandbox = timeScan(32);
    await refill();
    parallel = timeScan(32);
    await refill();
    sequential = timeScan(1);
    await sb.stop();
    // The quota-bound minimum of one region, with free CPU: pages in sequence (each a round trip, and past
    // a burst of 15, 15 a second); a GetResources call goes out once a page has brought its hundredth
    // candidate (the last one when the listing ends) and ends a round trip later.
    const lat = LATENCY / 1000;
    const boundOf = (goFlags) => {
      const pages = Math.max(1, Math.ceil(goFlags.length / 50));
      let pageArrives = 0;
      let end = 0;
      let batch = 0;
      for (let p = 1; p <= pages; p++) {
        pageArrives = Math.max(pageArrives, Math.max(0, (p - 15) / 15)) + lat;
        for (const go of goFlags.slice((p - 1) * 50, p * 50)) {
          if (!go) continue;
          if (++batch === 100) {
            end = Math.max(end, pageArrives + lat);
            batch = 0;
          }
        }
      }
      if (batch > 0) end = Math.max(end, pageArrives + lat);
      return Math.max(end, pageArrives);
    };
    scanBound = Math.max(...Object.values(perRegion).map(boundOf)) * 1000;
    scanBoundSequential =
      Object.values(perRegion)
        .map(boundOf)
        .reduce((a, b) => a + b, 0) * 1000;
  }
  // ---- apply --------------------------------------------------------------------------------------------
  let applyMs, applyBound, migrated;
  if (!values['skip-apply']) {
    const applyDir = join(work, 'apply');
    sb = await startSandbox([
      '--no-seed',
      '--update-delay-ms',
      '1000',
      '--data-dir',
      applyDir,
      '--access-log',
      join(work, 'apply-access.log'),
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
    applyMs = performance.now() - t0;
    await sb.stop();
    const results = JSON.parse(a.stdout).results;
    migrated = results.filter((r) => r.status === 'migrated').length;
    // Per function: PublishVersion and three updates (bridge, configuration, code) at 15 req/s (burst 15);
    // each update stays InProgress 1 s and the next waits for Successful.
    const mutating = 4 * M;
    // The last update still stays InProgress for 1 s after the last call: that wait cannot overlap anything.
    applyBound = Math.max(((mutating - 15) / 15 + 1) * 1000, 3 * 1000);
  }
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
      '  the same, the sandbox just started (its first scan)',
      `${fmt(coldSandbox.ms / 1000)} s`,
      `ratio ${fmt(coldSandbox.ms / scanBound)}`,
    );
    row(
      '  CPU: the scanning process / the sandbox',
      `${fmt(parallel.cpuMs / 1000)} s`,
      `${fmt(parallel.sandboxCpuMs / 1000)} s`,
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
  if (applyMs !== undefined) {
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
  }
  console.log(
    `\nJSON ${JSON.stringify({ scanMs: parallel?.ms, coldSandboxScanMs: coldSandbox?.ms, scanBound, sequentialMs: sequential?.ms, applyMs, applyBound, migrated })}`,
  );
} finally {
  agent.destroy();
  if (values.keep) console.log(`work folder kept: ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
