// Shared pieces of the benchmark scripts.
import { spawn } from 'node:child_process';

/** The CLI the benchmarks start. */
export const CLI = new URL('../dist/cli.js', import.meta.url).pathname;

/** 17 commercial regions, for the many-regions benchmarks. */
export const BENCH_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'sa-east-1',
];

/** The p-th percentile of `xs`. */
export const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/**
 * Starts `go-lambda-migrate sandbox ARGS` as its own process; resolves with its URL, the time from spawn to
 * the listening line, and a stop function (SIGTERM, waits for exit).
 */
export function startSandbox(args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, 'sandbox', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => reject(new Error(`sandbox exited ${code}: ${err}`)));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^sandbox listening on (\S+)\n/.exec(out);
      if (m) {
        child.removeAllListeners('exit');
        resolve({
          child,
          url: m[1],
          ms: performance.now() - t0,
          stop: () =>
            new Promise((r) => {
              child.once('exit', r);
              child.kill('SIGTERM');
            }),
        });
      }
    });
  });
}
