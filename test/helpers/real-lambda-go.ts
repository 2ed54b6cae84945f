import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findGo, goBuild } from '../../src/golang/go-toolchain.js';

async function hashTree(dir: string, h: ReturnType<typeof createHash>): Promise<void> {
  for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await hashTree(p, h);
    else h.update(e.name).update(await readFile(p));
  }
}

/** The releases of github.com/aws/aws-lambda-go the tests build against. */
export const REAL_RELEASES = ['v1.13.3', 'v1.18.0', 'v1.19.1', 'v1.54.0'] as const;
export type RealRelease = (typeof REAL_RELEASES)[number];

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE = fileURLToPath(new URL('../fixtures/real-lambda-go/main.go', import.meta.url));

/**
 * Where a release's source tree is on this machine: `shared/go/aws-lambda-go/V` next to the project (its
 * `../shared/go`) or next to one of its parent folders; undefined when there is none, and then Go fetches the
 * same version through the user's module proxy.
 */
export function releaseDir(version: RealRelease): string | undefined {
  for (let dir = ROOT; ; dir = dirname(dir)) {
    const tree = join(dir, '..', 'shared', 'go', 'aws-lambda-go', version);
    if (existsSync(join(tree, 'go.mod'))) return resolve(tree);
    if (dirname(dir) === dir) return undefined;
  }
}

/** A module that requires `version`, replaced by the local tree `dir` when there is one. */
export function moduleFile(version: string, dir: string | undefined, module = 'example.com/fn'): string {
  return [
    `module ${module}`,
    '',
    'go 1.19',
    '',
    `require github.com/aws/aws-lambda-go ${version}`,
    ...(dir ? ['', `replace github.com/aws/aws-lambda-go => ${dir}`] : []),
    '',
  ].join('\n');
}

/**
 * Builds the test handler (test/fixtures/real-lambda-go/main.go: echoes `name` and lambdacontext's request
 * id, panics on `panic`, fails on `fail`) against a real release, cached by everything that goes in.
 */
export async function buildWithRelease(version: RealRelease, options: BuildOptions = {}): Promise<Buffer> {
  return buildAgainst(version, releaseDir(version), options);
}

/** The project's stand-in for a release (demo/lambda-go/V), which the demo functions build against. */
export const STAND_INS = ['v1.13.3', 'v1.41.0'] as const;
export type StandIn = (typeof STAND_INS)[number];

/** Builds the test handler against the stand-in for `version`. */
export function buildWithStandIn(version: StandIn, options: BuildOptions = {}): Promise<Buffer> {
  return buildAgainst(version, join(ROOT, 'demo', 'lambda-go', version), options, 'stand-in');
}

export interface BuildOptions {
  readonly goarch?: 'amd64' | 'arm64';
  readonly tags?: string[];
  readonly cgo?: boolean;
}

async function buildAgainst(
  version: string,
  libDir: string | undefined,
  options: BuildOptions,
  label = 'release',
): Promise<Buffer> {
  const go = await findGo();
  if (!go) throw new Error('Go is required for this test (apt-get install golang-go)');
  const goarch = options.goarch ?? 'amd64';
  const source = await readFile(SOURCE);
  const hash = createHash('sha256')
    .update(
      `${go.version}|${version}|${goarch}|${(options.tags ?? []).join(',')}|${options.cgo ? 'cgo' : ''}|`,
    )
    .update(`${label}|${libDir ?? 'proxy'}`)
    .update(source);
  // A stand-in changes with the project: its files are part of the key.
  if (libDir && label === 'stand-in') await hashTree(libDir, hash);
  const key = hash.digest('hex').slice(0, 24);
  const cache = join(tmpdir(), 'glm-test-real-lambda-go');
  const out = join(cache, `${label}-${version}-${goarch}-${key}`);
  try {
    return await readFile(out);
  } catch {
    // not built yet
  }
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(join(tmpdir(), 'glm-real-fn-'));
  try {
    await writeFile(join(dir, 'go.mod'), moduleFile(version, libDir));
    await writeFile(join(dir, 'main.go'), source);
    const tmp = `${out}.${process.pid}.tmp`;
    await goBuild(go, {
      dir,
      output: tmp,
      goarch,
      ...(options.tags && { tags: options.tags }),
      ...(options.cgo && { cgo: true }),
      env: libDir
        ? { GOFLAGS: '-mod=mod', GOPROXY: 'off', GOSUMDB: 'off', GOWORK: 'off' }
        : { GOFLAGS: '-mod=mod', GOWORK: 'off' },
    });
    await rename(tmp, out);
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
