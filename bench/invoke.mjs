// Invoke benchmarks of the local sandbox: warm round trips, cold starts, and the runner's own overhead.
// Everything runs on 127.0.0.1, bounded; figures compared as ratios are measured in this same run.
//   node bench/invoke.mjs [--warm 2000] [--cold 20]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { InvokeCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { writeZip } from '../dist/archive/zip.js';
import { findGo, goBuild } from '../dist/golang/go-toolchain.js';
import { emulatorFor } from '../dist/sandbox/exec/emulation.js';
import { parseReport } from '../dist/core/report.js';
import { buildDemoBinary, defaultBuildCache, DEMO_FUNCTIONS } from '../dist/sandbox/seed.js';
import { pct, startSandbox } from './lib.mjs';

const { values } = parseArgs({ options: { warm: { type: 'string' }, cold: { type: 'string' } } });
const WARM = Number(values.warm ?? 2000);
const COLD = Number(values.cold ?? 20);
const LOCALSTACK_COLD_MS = 700; // LocalStack's published cold start on Linux (Docker), 0.7-0.87 s

const fmt = (n, d = 2) => Number(n).toFixed(d);
const work = mkdtempSync(join(tmpdir(), 'glm-bench-invoke-'));

async function build(goarch) {
  const go = await findGo();
  if (!go) throw new Error('Go is needed: apt-get install golang-go');
  const out = join(work, `minimal-${goarch}`);
  await goBuild(go, {
    dir: new URL('./go/minimal/', import.meta.url).pathname,
    output: out,
    goarch,
    env: { GOFLAGS: '-mod=mod', GOPROXY: 'off' },
  });
  return readFileSync(out);
}

/** Spawn to first GET of a bare HTTP server: what starting the process costs without the sandbox. */
async function bareSpawnToFirstGet(binaryPath, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    let t0 = 0;
    let child;
    const got = new Promise((resolve) => {
      const server = http.createServer((req, res) => {
        if (req.url.endsWith('/next')) {
          resolve(performance.now() - t0);
          child.kill('SIGKILL');
          res.destroy();
          server.close();
        }
      });
      server.listen(0, '127.0.0.1', () => {
        t0 = performance.now();
        child = spawn(binaryPath, [], {
          env: { AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${server.address().port}` },
          stdio: 'ignore',
        });
      });
    });
    times.push(await got);
  }
  return times;
}

// The sandbox runs as its own process, as `go-lambda-migrate sandbox` does, so the SDK client here does not
// share its event loop.
const sandbox = await startSandbox([
  '--no-seed',
  '--no-throttle',
  '--update-delay-ms',
  '0',
  '--data-dir',
  join(work, 'data'),
]);
const client = new LambdaClient({
  endpoint: sandbox.url,
  region: 'us-east-1',
  maxAttempts: 1,
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
});
const results = {};
try {
  const minimal = await build('amd64');
  const minimalPath = join(work, 'bootstrap');
  writeFileSync(minimalPath, minimal);
  chmodSync(minimalPath, 0o755);
  const skeleton = await buildDemoBinary(await findGo(), DEMO_FUNCTIONS[0], defaultBuildCache());
  const importFn = async (name, runtime, handler, zip, arch = 'x86_64') => {
    const res = await fetch(`${sandbox.url}/_sandbox/import`, {
      method: 'POST',
      body: JSON.stringify({
        FunctionName: name,
        Runtime: runtime,
        Handler: handler,
        Role: 'arn:aws:iam::123456789012:role/r',
        Architectures: [arch],
        Code: { ZipFile: zip.toString('base64') },
        Timeout: 30,
      }),
    });
    if (res.status !== 201) throw new Error(await res.text());
  };
  await importFn(
    'minimal',
    'provided.al2023',
    'bootstrap',
    await writeZip([{ name: 'bootstrap', data: minimal, mode: 0o755 }]),
  );
  await importFn(
    'skeleton',
    'go1.x',
    'go-lambda-skeleton-amd64',
    await writeZip([{ name: 'go-lambda-skeleton-amd64', data: skeleton, mode: 0o755 }]),
  );

  const invoke = async (name) => {
    const t0 = performance.now();
    const out = await client.send(
      new InvokeCommand({ FunctionName: name, LogType: 'Tail', Payload: Buffer.from('{"n":1}') }),
    );
    const ms = performance.now() - t0;
    if (out.FunctionError) throw new Error(Buffer.from(out.Payload).toString());
    const line = Buffer.from(out.LogResult, 'base64')
      .toString()
      .split('\n')
      .find((l) => l.startsWith('REPORT'));
    return { ms, report: parseReport(line) };
  };
  const coldRuns = async (name) => {
    const rt = [];
    const init = [];
    for (let i = 0; i < COLD; i++) {
      await client.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: name, Description: `cold ${i}` }),
      );
      const r = await invoke(name);
      if (r.report.initDurationMs === undefined) throw new Error('expected a cold start');
      rt.push(r.ms);
      init.push(r.report.initDurationMs);
    }
    return { rt, init };
  };
  const warmRuns = async (name, n) => {
    await invoke(name);
    const rt = [];
    const dur = [];
    for (let i = 0; i < n; i++) {
      const r = await invoke(name);
      rt.push(r.ms);
      dur.push(r.report.durationMs);
    }
    return { rt: rt.slice(Math.floor(n / 10)), dur };
  };

  // The same warm invocation over plain keep-alive HTTP: the server's share of the SDK round trip.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const rawInvoke = () =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = http.request(
        `${sandbox.url}/2015-03-31/functions/minimal/invocations`,
        { method: 'POST', agent },
        (res) => {
          res.resume();
          res.on('end', () => resolve(performance.now() - t0));
        },
      );
      req.on('error', reject);
      req.end('{"n":1}');
    });
  await rawInvoke();
  const raw = [];
  for (let i = 0; i < WARM; i++) raw.push(await rawInvoke());
  agent.destroy();
  results.warmRawP50 = pct(raw.slice(Math.floor(WARM / 10)), 50);

  const bare = await bareSpawnToFirstGet(minimalPath, COLD);
  const cold = await coldRuns('minimal');
  const warm = await warmRuns('minimal', WARM);
  const goCold = await coldRuns('skeleton');
  const goWarm = await warmRuns('skeleton', Math.min(WARM, 1000));
  results.bareSpawnP50 = pct(bare, 50);
  results.coldInitP50 = pct(cold.init, 50);
  results.coldRoundTripP50 = pct(cold.rt, 50);
  results.warmRoundTripP50 = pct(warm.rt, 50);
  results.warmRoundTripP99 = pct(warm.rt, 99);
  results.warmDurationP50 = pct(warm.dur, 50);
  results.go1xColdInitP50 = pct(goCold.init, 50);
  results.go1xColdRoundTripP50 = pct(goCold.rt, 50);
  results.go1xWarmRoundTripP50 = pct(goWarm.rt, 50);
  if (!((await emulatorFor('arm64')) instanceof Error)) {
    await importFn(
      'minimal-arm',
      'provided.al2023',
      'bootstrap',
      await writeZip([{ name: 'bootstrap', data: await build('arm64'), mode: 0o755 }]),
      'arm64',
    );
    const armCold = await coldRuns('minimal-arm');
    const armWarm = await warmRuns('minimal-arm', 300);
    results.armColdInitP50 = pct(armCold.init, 50);
    results.armWarmRoundTripP50 = pct(armWarm.rt, 50);
  }
} finally {
  await sandbox.stop();
  rmSync(work, { recursive: true, force: true });
}

const r = results;
const row = (what, value, note) => console.log(`  ${what.padEnd(62)} ${value.padEnd(14)} ${note}`);
console.log(`\ngo-lambda-migrate sandbox invoke benchmark (${WARM} warm, ${COLD} cold per function)\n`);
row('measure', 'this run', 'target / comparison');
row(
  'warm Invoke round trip through the SDK, provided.al2023 (p50)',
  `${fmt(r.warmRoundTripP50, 3)} ms`,
  `<= 2 ms (p99 ${fmt(r.warmRoundTripP99, 3)} ms)`,
);
row(
  '  the same over plain keep-alive HTTP, no SDK (p50)',
  `${fmt(r.warmRawP50, 3)} ms`,
  `the SDK adds ${fmt(r.warmRoundTripP50 - r.warmRawP50, 3)} ms`,
);
row("  of which the function's own Duration (p50)", `${fmt(r.warmDurationP50, 3)} ms`, '');
row(
  'runner cold start: spawn to first `next`, minimal bootstrap (p50)',
  `${fmt(r.coldInitP50)} ms`,
  '<= 15 ms',
);
row(
  '  same binary, spawn to first GET on a bare HTTP server (p50)',
  `${fmt(r.bareSpawnP50)} ms`,
  `runner overhead ${fmt(r.coldInitP50 - r.bareSpawnP50)} ms (${fmt(r.coldInitP50 / r.bareSpawnP50)}x)`,
);
row(
  'cold Invoke round trip through the SDK (p50)',
  `${fmt(r.coldRoundTripP50)} ms`,
  `LocalStack publishes ${LOCALSTACK_COLD_MS} ms: ${fmt(LOCALSTACK_COLD_MS / r.coldRoundTripP50, 0)}x faster`,
);
row(
  'go1.x skeleton over net/rpc: cold Init Duration (p50)',
  `${fmt(r.go1xColdInitP50)} ms`,
  `round trip ${fmt(r.go1xColdRoundTripP50)} ms`,
);
row('go1.x skeleton over net/rpc: warm round trip (p50)', `${fmt(r.go1xWarmRoundTripP50, 3)} ms`, '');
if (r.armColdInitP50 !== undefined) {
  row(
    'arm64 through qemu-user: cold Init Duration (p50)',
    `${fmt(r.armColdInitP50)} ms`,
    'emulated: not AWS timings',
  );
  row('arm64 through qemu-user: warm round trip (p50)', `${fmt(r.armWarmRoundTripP50, 3)} ms`, '');
}
console.log(`\nJSON ${JSON.stringify(results)}`);
