import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Architecture } from '../lambda/lifecycle.js';
import { UserError } from '../errors.js';
import { compareVersions, readElf } from './elf.js';
import { goBuild, GoBuildError, requireGo, type GoToolchain } from './go-toolchain.js';

/** What to rebuild. */
export interface RebuildRequest {
  /** The main package's folder. */
  readonly packageDir: string;
  /** The module's `go` directive, to check the toolchain against. */
  readonly moduleGoVersion?: string;
  readonly architecture: Architecture;
  /** Build tags the original binary had (kept); lambda.norpc is always added. */
  readonly tags?: readonly string[];
  /** Extra environment (e.g. GOFLAGS, GOPROXY, GOPRIVATE). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Compiler output as it comes, then the result. */
export type RebuildEvent =
  | { readonly type: 'compiler-output'; readonly line: string }
  | { readonly type: 'built'; readonly size: number };

/** The new bootstrap binary. */
export interface RebuildResult {
  readonly binary: Buffer;
  readonly go: GoToolchain;
  readonly args: string;
}

const GOARCH: Record<Architecture, 'amd64' | 'arm64'> = { x86_64: 'amd64', arm64: 'arm64' };

function explain(err: GoBuildError, req: RebuildRequest): UserError {
  const out = err.output;
  if (
    /GOPROXY=off|dial tcp|no such host|cannot find module providing package|missing go\.sum entry|module lookup disabled|proxy\.golang\.org/.test(
      out,
    )
  ) {
    return new UserError(
      `the module's dependencies cannot be downloaded:\n${out.trim().split('\n').slice(0, 8).join('\n')}`,
      'Run `go mod download` in the module with network access (or set GOPROXY/GOPRIVATE, or vendor the dependencies with `go mod vendor`), then try again.',
    );
  }
  if (/undefined: C\.|cgo|import "C"|build constraints exclude all Go files/.test(out)) {
    return new UserError(
      `the package needs cgo, which this rebuild turns off (CGO_ENABLED=0):\n${out.trim().split('\n').slice(0, 8).join('\n')}`,
      req.architecture === 'arm64'
        ? 'Build it yourself with CGO_ENABLED=1 and an arm64 C cross compiler (CC=aarch64-linux-gnu-gcc), or stay on x86_64 and repackage.'
        : 'Build it yourself with CGO_ENABLED=1 on a system whose glibc is not newer than the target runtime’s.',
    );
  }
  return err;
}

/**
 * Rebuilds a function as a Lambda `bootstrap` with the user's Go: GOOS=linux GOARCH=<arch> CGO_ENABLED=0,
 * -tags lambda.norpc, -trimpath, -ldflags="-s -w", output in a private temp folder, no shell. The result is
 * checked with the ELF reader. Compiler output streams to `onEvent`.
 */
export async function rebuildBootstrap(
  req: RebuildRequest,
  onEvent: (e: RebuildEvent) => void = () => undefined,
): Promise<RebuildResult> {
  const go = await requireGo('rebuild the function');
  const have = go.version.replace(/^go/, '');
  if (req.moduleGoVersion && compareVersions(req.moduleGoVersion, have) > 0) {
    throw new UserError(
      `the module needs Go ${req.moduleGoVersion} (its go.mod says so), but the toolchain here is ${go.version}.`,
      `Install Go ${req.moduleGoVersion} or newer (https://go.dev/dl/), or set GO=/path/to/a/newer/go.`,
    );
  }
  const tags = [...new Set([...(req.tags ?? []).filter(Boolean), 'lambda.norpc'])];
  const dir = await mkdtemp(join(tmpdir(), 'glm-build-'));
  const output = join(dir, 'bootstrap');
  try {
    await goBuild(
      go,
      {
        dir: req.packageDir,
        output,
        goarch: GOARCH[req.architecture],
        tags,
        ldflags: '-s -w',
        ...(req.env && { env: req.env }),
      },
      (line) => onEvent({ type: 'compiler-output', line }),
    ).catch((e: unknown) => {
      throw e instanceof GoBuildError ? explain(e, req) : e;
    });
    const binary = await readFile(output);
    const elf = readElf(binary);
    if (elf.arch !== req.architecture) {
      throw new UserError(
        `go build produced a ${elf.arch} binary, not ${req.architecture}.`,
        'Check GOARCH and GOFLAGS in your environment.',
      );
    }
    if (elf.linkage !== 'static') {
      throw new UserError(
        'go build produced a dynamically linked binary despite CGO_ENABLED=0.',
        'Check -ldflags and -linkmode in GOFLAGS.',
      );
    }
    onEvent({ type: 'built', size: binary.length });
    return {
      binary,
      go,
      args: `GOOS=linux GOARCH=${GOARCH[req.architecture]} CGO_ENABLED=0 go build -tags ${tags.join(',')} -trimpath -ldflags="-s -w" -o bootstrap`,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
