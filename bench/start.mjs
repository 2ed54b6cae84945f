// How fast `npm start` (the wizard on the embedded sandbox) shows something, and reaches the selection list.
//   npm run build && node bench/start.mjs
// Runs the built CLI in a pseudo-terminal (util-linux `script`) at 80x24, three ways, each from a new state folder
// or the one before:
//   first   a new state folder, an empty Go build cache and an empty demo-build cache: everything is built
//   cached  a new state folder, the caches the first run filled: the sandbox is seeded from cached builds
//   second  the state folder of the cached run: the demo functions already exist (a plain second `npm start`);
//           SECOND_RUNS times (default 5), the median shown
// For each: the time to the first byte on the terminal, to the first progress line, and to the selection list
// ("N candidates"). Times depend on this machine's load; the ratios between runs are what to compare.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[=>]|\r/g;
const quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

function run(stateDir, env) {
  return new Promise((resolve, reject) => {
    const command = `stty rows 24 cols 80; exec ${[process.execPath, CLI, '--sandbox', '--state-dir', stateDir].map(quote).join(' ')}`;
    const started = performance.now();
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { ...process.env, TERM: 'xterm-256color', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const at = {};
    let raw = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no selection list after 600 s:\n${raw.replace(ANSI, '').slice(-2000)}`));
    }, 600_000);
    child.stdout.on('data', (d) => {
      const now = performance.now() - started;
      raw += d.toString();
      const text = raw.replace(ANSI, '');
      at.firstByte ??= now;
      if (/build|seed|start/i.test(text)) at.progress ??= now;
      if (at.list === undefined && /\d+ candidates?,/.test(text)) {
        at.list = now;
        child.stdin.write('q');
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (at.list === undefined)
        reject(new Error(`exited ${code} before the list:\n${raw.replace(ANSI, '')}`));
      else resolve(at);
    });
  });
}

const SECOND_RUNS = Number(process.env.SECOND_RUNS ?? 5);
const root = await mkdtemp(join(tmpdir(), 'glm-start-'));
const env = { GOCACHE: join(root, 'gocache'), XDG_CACHE_HOME: join(root, 'cache') };
const s = (ms) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(2)} s`);
try {
  const first = await run(join(root, 'state-1'), env);
  const cached = await run(join(root, 'state-2'), env);
  const seconds = [];
  for (let i = 0; i < SECOND_RUNS; i++) seconds.push(await run(join(root, 'state-2'), env));
  const second = seconds.sort((a, b) => a.list - b.list)[Math.floor(SECOND_RUNS / 2)];
  console.log('run      first byte  progress    selection list');
  for (const [name, r] of Object.entries({ first, cached, second }))
    console.log(`${name.padEnd(8)} ${s(r.firstByte).padEnd(11)} ${s(r.progress).padEnd(11)} ${s(r.list)}`);
  console.log(
    `second start, ${SECOND_RUNS} runs: median ${s(second.list)}, fastest ${s(seconds[0].list)}, slowest ${s(seconds.at(-1).list)}`,
  );
  console.log(`second start / first start: ${(second.list / first.list).toFixed(3)}`);
} finally {
  await rm(root, { recursive: true, force: true });
}
