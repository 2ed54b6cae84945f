import { spawn } from 'node:child_process';
import { CLI } from './cli.js';

// CSI and OSC sequences, and the carriage returns Ink's redraws leave.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[=>]|\r/g;

/** The built CLI in a pseudo-terminal (util-linux `script`), driven by key presses. */
export interface PtySession {
  /** Sends keys as typed (`\r` is Enter, `\x03` is Ctrl-C). */
  press(keys: string): void;
  /** The output so far, colours and cursor moves removed. */
  text(): string;
  /** Every byte written so far, escape sequences included. */
  raw(): string;
  /** Waits until the output after `from` (a length of text()) matches; returns the text() length then. */
  waitFor(pattern: RegExp, from?: number, timeoutMs?: number): Promise<number>;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  kill(): void;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Starts `go-lambda-migrate ARGS` on a terminal of `rows` x `cols`. */
export function spawnInPty(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  { rows = 40, cols = 140 } = {},
): PtySession {
  const command = `stty rows ${rows} cols ${cols}; exec ${[process.execPath, CLI, ...args].map(quote).join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { ...process.env, TERM: 'xterm-256color', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let raw = '';
  child.stdout.on('data', (d: Buffer) => (raw += d.toString()));
  child.stderr.on('data', (d: Buffer) => (raw += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const text = () => raw.replace(ANSI, '');
  return {
    press: (keys) => child.stdin.write(keys),
    text,
    raw: () => raw,
    exited,
    kill: () => child.kill('SIGKILL'),
    async waitFor(pattern, from = 0, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const t = text();
        if (pattern.test(t.slice(from))) return t.length;
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`no ${String(pattern)} in the output:\n${t.slice(from).slice(-3000)}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/**
 * The wizard in a pseudo-terminal against a sandbox at `url`: the demo's sources, `us-east-1`, an event that
 * orders-api accepts, no colours.
 */
export function spawnWizard(
  url: string,
  options: { stateDir: string; eventFile: string; sourceDir: string },
  size?: { rows: number; cols: number },
): PtySession {
  return spawnInPty(
    [
      '--state-dir',
      options.stateDir,
      '--region',
      'us-east-1',
      '--source',
      options.sourceDir,
      '--event',
      options.eventFile,
    ],
    { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'x', AWS_ENDPOINT_URL: url, NO_COLOR: '1' },
    size,
  );
}
