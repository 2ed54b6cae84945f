// The benchmark engine's own cost: (1) its overhead per sample beyond the invoke round trip, and (2) the CPU
// the live screen takes while a 1,000-sample run draws at 80x24. Both are measured in one run against an
// in-memory Lambda whose invocations answer at once (1) or after 5 ms (2), and printed as ratios.
// Run after `npm run build`: node bench/bench-engine.mjs
import { Writable } from 'node:stream';

delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;
const { benchmark } = await import('../dist/core/benchmark.js');
const { withLiveView } = await import('../dist/ui/bench/run-bench-live.js');

const report = (n, cold) =>
  `START RequestId: ${n}\nREPORT RequestId: ${n}\tDuration: ${(1 + (n % 7) / 10).toFixed(2)} ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB\t${cold ? 'Init Duration: 40.00 ms\t' : ''}\n`;

/** A Lambda with environments per version (idle ones are warm), answering after `delayMs`. */
function port(delayMs) {
  const idle = new Map();
  let n = 0;
  const wait = () =>
    delayMs > 0 ? new Promise((r) => setTimeout(r, delayMs)) : new Promise((r) => setImmediate(r));
  const config = (name) => ({
    name,
    arn: `arn:aws:lambda:us-east-1:1:function:${name}`,
    region: 'us-east-1',
    version: '$LATEST',
    runtime: 'provided.al2023',
    handler: 'bootstrap',
    architectures: ['arm64'],
    memorySize: 128,
    timeout: 3,
    codeSha256: 'x',
    codeSize: 1,
    revisionId: 'r',
    lastModified: '',
    description: '',
    state: 'Active',
    lastUpdateStatus: 'Successful',
  });
  return {
    getConfiguration: (ref) => Promise.resolve(config(ref.name)),
    updateConfiguration: (ref) => (
      idle.set(`${ref.name}:${ref.qualifier ?? '$LATEST'}`, 0),
      Promise.resolve(config(ref.name))
    ),
    waitUntilUpdated: () => Promise.resolve(),
    endpointInfo: () => Promise.resolve(undefined),
    async invoke(ref) {
      const key = `${ref.name}:${ref.qualifier ?? '$LATEST'}`;
      const cold = (idle.get(key) ?? 0) === 0;
      if (!cold) idle.set(key, idle.get(key) - 1);
      await wait();
      idle.set(key, (idle.get(key) ?? 0) + 1);
      return {
        statusCode: 200,
        functionError: undefined,
        payload: Buffer.from('{}'),
        log: report(++n, cold),
        executedVersion: '1',
      };
    },
  };
}

const sides = [
  { role: 'old', ref: { region: 'us-east-1', name: 'fn', qualifier: '1' } },
  { role: 'new', ref: { region: 'us-east-1', name: 'fn' } },
];

async function drain(events) {
  let samples = 0;
  for await (const e of events) if (e.type === 'sample') samples++;
  return samples;
}

// (1) Overhead per sample: the engine against the same invocations made in a plain loop.
async function overhead() {
  const cold = 20,
    warm = 1000;
  const raw = port(0);
  let t = performance.now();
  for (let i = 0; i < 2 * (cold + warm); i++) await raw.invoke(sides[i % 2].ref);
  const plain = performance.now() - t;
  t = performance.now();
  const samples = await drain(benchmark(port(0), sides, { cold, warm, event: Buffer.from('{}') }));
  const engine = performance.now() - t;
  return { samples, plainMs: plain, engineMs: engine, perSampleMs: (engine - plain) / samples };
}

/** A terminal that swallows what is drawn: 80x24, counting bytes. */
function terminal() {
  const out = new Writable({
    write(chunk, _enc, done) {
      out.bytes += chunk.length;
      done();
    },
  });
  Object.assign(out, { isTTY: true, columns: 80, rows: 24, bytes: 0 });
  return out;
}

// (2) The screen's CPU: the same paced run with and without the live view, CPU time over wall time.
async function screenCpu() {
  const run = async (view) => {
    const cpu = process.cpuUsage();
    const t = performance.now();
    let events = benchmark(port(5), sides, { cold: 20, warm: 480, event: Buffer.from('{}') });
    const stream = terminal();
    if (view) events = withLiveView('fn', events, stream, true);
    const samples = await drain(events);
    const wall = performance.now() - t;
    const used = process.cpuUsage(cpu);
    return { samples, wallMs: wall, cpuMs: (used.user + used.system) / 1000, bytes: stream.bytes };
  };
  const without = await run(false);
  const withView = await run(true);
  return { without, withView, screenShare: (withView.cpuMs - without.cpuMs) / withView.wallMs };
}

const o = await overhead();
console.log(
  `engine: ${o.samples} samples in ${o.engineMs.toFixed(0)} ms; the same invocations in a plain loop ${o.plainMs.toFixed(0)} ms`,
);
console.log(
  `engine overhead per sample: ${o.perSampleMs.toFixed(3)} ms (target <= 1 ms): ratio ${(o.perSampleMs / 1).toFixed(3)}`,
);
const s = await screenCpu();
console.log(
  `paced run, ${s.withView.samples} samples: without the view ${s.without.cpuMs.toFixed(0)} ms CPU in ${s.without.wallMs.toFixed(0)} ms; with it ${s.withView.cpuMs.toFixed(0)} ms CPU in ${s.withView.wallMs.toFixed(0)} ms, ${(s.withView.bytes / 1024).toFixed(0)} KiB drawn`,
);
console.log(
  `live screen CPU: ${(s.screenShare * 100).toFixed(1)}% of one core (target <= 10%): ratio ${(s.screenShare / 0.1).toFixed(2)}`,
);
process.exit(0);
