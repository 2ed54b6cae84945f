import { spawn } from 'node:child_process';
import { UserError } from '../errors.js';

/** The Go toolchain found on PATH (or at `GO` / `--go`). */
export interface GoToolchain {
  readonly path: string;
  /** e.g. `go1.19.8`. */
  readonly version: string;
}

export const INSTALL_GO_HINT =
  'Install Go 1.19 or newer (Debian/Ubuntu: apt-get install golang-go; macOS: brew install go; others: https://go.dev/dl/) and make sure `go` is on PATH, or set GO=/path/to/go.';

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a program without a shell, collecting its output; `onLine` sees stderr lines as they come. */
export function runProgram(
  file: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; onLine?: (line: string) => void } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      const text = d.toString();
      stderr += text;
      if (options.onLine) {
        pending += text;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        lines.forEach((l) => options.onLine!(l));
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (pending && options.onLine) options.onLine(pending);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Finds `go`; undefined when it is not installed. */
export async function findGo(goPath = process.env.GO ?? 'go'): Promise<GoToolchain | undefined> {
  try {
    const r = await runProgram(goPath, ['env', 'GOVERSION']);
    if (r.code !== 0) return undefined;
    return { path: goPath, version: r.stdout.trim() };
  } catch {
    return undefined;
  }
}

/** Like findGo, but a missing toolchain is a UserError that says how to install one. */
export async function requireGo(purpose: string): Promise<GoToolchain> {
  const go = await findGo();
  if (!go) throw new UserError(`Go is needed to ${purpose}, but \`go\` was not found.`, INSTALL_GO_HINT);
  return go;
}

/** What to build. */
export interface GoBuildRequest {
  /** The module folder to build in. */
  readonly dir: string;
  /** Package to build, relative to `dir`. */
  readonly pkg?: string;
  readonly output: string;
  readonly goarch: 'amd64' | 'arm64';
  readonly tags?: readonly string[];
  readonly ldflags?: string;
  readonly cgo?: boolean;
  /** Extra environment, e.g. GOFLAGS=-mod=mod for offline builds with local replacements. */
  readonly env?: Readonly<Record<string, string>>;
}

/** A `go build` that failed, with the compiler's output. */
export class GoBuildError extends UserError {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message, 'Fix the build error above, or build the function yourself and pass the binary.');
  }
}

/** Runs `go build` for linux/`goarch` without a shell; compiler output goes to `onLine`. */
export async function goBuild(
  go: GoToolchain,
  req: GoBuildRequest,
  onLine?: (line: string) => void,
): Promise<void> {
  const args = ['build', '-buildvcs=false', '-trimpath', '-o', req.output];
  if (req.tags && req.tags.length > 0) args.push('-tags', req.tags.join(','));
  if (req.ldflags) args.push(`-ldflags=${req.ldflags}`);
  args.push(req.pkg ?? '.');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GOOS: 'linux',
    GOARCH: req.goarch,
    CGO_ENABLED: req.cgo ? '1' : '0',
    ...req.env,
  };
  const r = await runProgram(go.path, args, { cwd: req.dir, env, ...(onLine && { onLine }) });
  if (r.code !== 0) {
    const first = r.stderr.trim().split('\n').slice(0, 20).join('\n');
    throw new GoBuildError(`go build failed in ${req.dir} (exit ${r.code ?? r.signal}):\n${first}`, r.stderr);
  }
}
