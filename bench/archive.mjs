// Packaging and inspection benchmarks (binary/packaging issue). Ratios are measured in this one run.
//   node bench/archive.mjs
// Packaging: a 13 MiB Go binary (the first 13 MiB of Go's own `compile` tool) zipped as `bootstrap` by this
// tool's writer, by Info-ZIP `zip -6` on the same file, and by jszip (DEFLATE level 6); the event loop's longest
// stall is watched while our writer runs. Inspection: a 50 MB Go binary (`compile` followed by copies of itself,
// so headers, build info and the probes' full scan are all real work).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import JSZip from 'jszip';
import { writeZip } from '../dist/archive/zip.js';
import { readDeployment, pickBinary } from '../dist/archive/deployment.js';
import { inspectBinary } from '../dist/golang/inspect-binary.js';
import { bundledLifecycle } from '../dist/lambda/lifecycle.js';

const fmt = (n, d = 1) => Number(n).toFixed(d);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
const goos = execFileSync('go', ['env', 'GOHOSTOS'], { encoding: 'utf8' }).trim();
const goarch = execFileSync('go', ['env', 'GOHOSTARCH'], { encoding: 'utf8' }).trim();
const compile = readFileSync(join(goroot, 'pkg', 'tool', `${goos}_${goarch}`, 'compile'));
const work = mkdtempSync(join(tmpdir(), 'glm-bench-archive-'));
const RUNS = 5;

try {
  // --- packaging -----------------------------------------------------------------------------------------
  const binary = compile.subarray(0, 13 * 1024 * 1024);
  const bin = join(work, 'bootstrap');
  writeFileSync(bin, binary);
  chmodSync(bin, 0o755);
  const ours = [];
  const zips = [];
  const jszips = [];
  let ourSize = 0;
  let zipSize = 0;
  let jszipSize = 0;
  let worstStallMs = 0;
  for (let i = 0; i < RUNS; i++) {
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    let t0 = performance.now();
    const out = await writeZip([{ name: 'bootstrap', data: binary, mode: 0o755 }]);
    ours.push(performance.now() - t0);
    h.disable();
    worstStallMs = Math.max(worstStallMs, h.max / 1e6);
    ourSize = out.length;

    const zfile = join(work, `z${i}.zip`);
    t0 = performance.now();
    const r = spawnSync('zip', ['-6', '-q', '-X', zfile, 'bootstrap'], { cwd: work });
    zips.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`zip failed: ${r.stderr}`);
    zipSize = statSync(zfile).size;
    rmSync(zfile);

    t0 = performance.now();
    const jz = new JSZip();
    jz.file('bootstrap', binary, { unixPermissions: 0o755 });
    const jout = await jz.generateAsync({
      type: 'nodebuffer',
      compression: 'DEFLATE',
      compressionOptions: { level: 6 },
      platform: 'UNIX',
    });
    jszips.push(performance.now() - t0);
    jszipSize = jout.length;
  }
  // Reading back: this tool's reader (jszip, with the deployment checks) against Info-ZIP unzip -p.
  const zipped = await writeZip([{ name: 'bootstrap', data: binary, mode: 0o755 }]);
  const zippedFile = join(work, 'read.zip');
  writeFileSync(zippedFile, zipped);
  const reads = [];
  const unzips = [];
  for (let i = 0; i < RUNS; i++) {
    let t0 = performance.now();
    const picked = await pickBinary(await readDeployment(zipped));
    reads.push(performance.now() - t0);
    if (picked.data.length !== binary.length) throw new Error('read back a different size');
    t0 = performance.now();
    const u = spawnSync('unzip', ['-p', zippedFile, 'bootstrap'], { maxBuffer: 64 << 20 });
    unzips.push(performance.now() - t0);
    if (u.status !== 0) throw new Error(`unzip failed: ${u.stderr}`);
  }
  // The output must be what Lambda reads: our own reader picks the bootstrap back out, byte for byte.
  const check = await pickBinary(
    await readDeployment(await writeZip([{ name: 'bootstrap', data: binary, mode: 0o755 }])),
  );
  if (!check.data.equals(binary)) throw new Error('round trip failed');

  // --- inspection ----------------------------------------------------------------------------------------
  const copies = Math.ceil((50 * 1024 * 1024) / compile.length);
  const big = Buffer.concat(Array.from({ length: copies }, () => compile)).subarray(0, 50 * 1024 * 1024);
  const bigFile = join(work, 'big');
  writeFileSync(bigFile, big);
  const times = [];
  let peakExtra = 0;
  let verdict = '';
  for (let i = 0; i < RUNS; i++) {
    globalThis.gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 1);
    const t0 = performance.now();
    const buf = readFileSync(bigFile);
    const report = inspectBinary('big', buf, 'provided.al2023', bundledLifecycle());
    times.push(performance.now() - t0);
    peak = Math.max(peak, process.memoryUsage().rss);
    clearInterval(timer);
    verdict = `${report.goVersion}, ${report.arch}, ${report.verdict}`;
    peakExtra = Math.max(peakExtra, peak - base);
  }

  const row = (what, value, target) => console.log(`  ${what.padEnd(60)} ${value.padEnd(24)} ${target}`);
  console.log(`\ngo-lambda-migrate packaging and inspection benchmark (median of ${RUNS})\n`);
  row('measure', 'this run', 'target');
  row('zip a 13 MiB Go binary: this tool (yazl, level 6)', `${fmt(median(ours))} ms`, '');
  row(
    '  Info-ZIP zip -6, same file (process included)',
    `${fmt(median(zips))} ms`,
    `ratio ${fmt(median(ours) / median(zips), 2)}x (<= 1.0)`,
  );
  row(
    '  jszip, DEFLATE level 6',
    `${fmt(median(jszips))} ms`,
    `ratio ${fmt(median(jszips) / median(zips), 2)}x zip -6`,
  );
  row(
    '  output size: this tool / zip -6 / jszip',
    `${ourSize} / ${zipSize} / ${jszipSize}`,
    `+${fmt((ourSize / zipSize - 1) * 100, 2)}% (<= 2%)`,
  );
  row(
    'read it back: this tool (jszip + deployment checks + CRC)',
    `${fmt(median(reads))} ms`,
    `ratio ${fmt(median(reads) / median(unzips), 2)}x unzip -p (${fmt(median(unzips))} ms)`,
  );
  row('  longest event-loop stall while zipping', `${fmt(worstStallMs)} ms`, '<= 50 ms');
  row(
    'inspect a 50 MB Go binary (read + ELF + build info + probes)',
    `${fmt(median(times))} ms`,
    '<= 200 ms',
  );
  row(
    '  extra resident memory while inspecting',
    `${fmt(peakExtra / 1024 / 1024)} MB`,
    `${fmt(peakExtra / big.length, 2)}x the file (<= 2x)`,
  );
  row('  result', verdict, '');
} finally {
  rmSync(work, { recursive: true, force: true });
}
