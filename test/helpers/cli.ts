import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** Runs the built CLI to completion. */
export function runCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A `go-lambda-migrate sandbox` process in the background. */
export interface SandboxProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly firstLine: string;
  stderr(): string;
  /** SIGTERM and wait for exit; returns the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `go-lambda-migrate sandbox ARGS` and waits for its listening line. */
export function startSandboxProcess(args: string[], timeoutMs = 180_000): Promise<SandboxProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'sandbox', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sandbox did not start in ${timeoutMs} ms:\n${err}`));
    }, timeoutMs);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!out.includes('\n')) reject(new Error(`sandbox exited with ${code} before listening:\n${err}`));
    });
    child.stdout.on('data', (d: Buffer) => {
      const before = out.includes('\n');
      out += d.toString();
      if (!before && out.includes('\n')) {
        clearTimeout(timer);
        const firstLine = out.split('\n')[0]!;
        const m = /^sandbox listening on (http:\/\/\S+)$/.exec(firstLine);
        if (!m) {
          reject(new Error(`unexpected first line: ${firstLine}`));
          return;
        }
        resolve({
          url: m[1]!,
          child,
          firstLine,
          stderr: () => err,
          stop: () =>
            new Promise((res) => {
              if (child.exitCode !== null) return res(child.exitCode);
              child.once('exit', (code) => res(code));
              child.kill('SIGTERM');
            }),
        });
      }
    });
  });
}

/** One line of the sandbox's access log. */
export interface AccessLine {
  readonly operation: string;
  readonly function?: string;
  readonly region: string;
  readonly status: number;
  readonly client?: string;
}

/** A sandbox process with its data and access log in a fresh temp folder: the log is the tests' witness. */
export interface WitnessedSandbox {
  readonly proc: SandboxProcess;
  readonly dir: string;
  readonly logFile: string;
  /** The access log's lines so far. */
  accessLog(): Promise<AccessLine[]>;
  /** Stops the sandbox and removes the folder. */
  stop(): Promise<void>;
}

/** Starts `sandbox` with --update-delay-ms 300 (unless `args` sets it) and an access log. */
export async function startWitnessedSandbox(args: string[] = []): Promise<WitnessedSandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'glm-test-'));
  const logFile = join(dir, 'access.log');
  const delay = args.includes('--update-delay-ms') ? [] : ['--update-delay-ms', '300'];
  const proc = await startSandboxProcess([
    '--data-dir',
    join(dir, 'data'),
    '--access-log',
    logFile,
    ...delay,
    ...args,
  ]);
  return {
    proc,
    dir,
    logFile,
    accessLog: async () =>
      (await readFile(logFile, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as AccessLine),
    stop: async () => {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
