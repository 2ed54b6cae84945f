import { createTwoFilesPatch } from 'diff';
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../errors.js';
import { requireGo, runProgram } from './go-toolchain.js';

export const LAMBDA_LIB = 'github.com/aws/aws-lambda-go';

/** A module copied aside with aws-lambda-go moved to another version: where it is, and the change made. */
export interface UpgradedModule {
  /** The scratch copy of the module folder (build from here). */
  readonly dir: string;
  /** The version `go get` settled on. */
  readonly version: string;
  /** go.mod and go.sum as a unified diff, with paths from the top of the user's repository. */
  readonly patch: string;
  /** Where the patch's paths start: the repository's top folder, or the module folder outside a repository. */
  readonly patchRoot: string;
  /** Removes the scratch copy. */
  dispose(): Promise<void>;
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/** The folder holding `.git` at or above `dir`, if any. */
async function repositoryTop(dir: string): Promise<string | undefined> {
  for (let d = dir; ; d = dirname(d)) {
    if (await exists(join(d, '.git'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

/**
 * Rewrites the copy's local `replace` targets (`=> ../lib`) as absolute paths from the original module, so the
 * copy builds as the original does; returns [relative, absolute] pairs to put back.
 */
async function absoluteReplaces(moduleDir: string, copyDir: string): Promise<[string, string][]> {
  const file = join(copyDir, 'go.mod');
  const text = await readFile(file, 'utf8');
  const pairs: [string, string][] = [];
  const rewritten = text.replace(/(=>\s*)(\.\.?\/[^\s]*)/g, (_m, arrow: string, target: string) => {
    const absolute = resolve(moduleDir, target);
    pairs.push([target, absolute]);
    return `${arrow}${absolute}`;
  });
  if (pairs.length > 0) await writeFile(file, rewritten);
  return pairs;
}

/** The version go.mod requires for `module`. */
function required(goMod: string, module: string): string | undefined {
  const escaped = module.replace(/[.]/g, '\\.');
  return new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, 'm').exec(goMod)?.[1];
}

/**
 * Copies the module at `moduleDir` aside (never touching the user's tree) and runs
 * `go get github.com/aws/aws-lambda-go@VERSION` there with the user's own Go environment (GOPROXY, GOFLAGS,
 * GOPRIVATE, GONOSUMDB…, plus `env`). `version` is a release (`v1.54.0`) or `latest`. The go.mod/go.sum change
 * comes back as a patch that `git apply` takes at the top of the user's repository.
 */
export async function upgradeLambdaLibrary(
  moduleDir: string,
  version: string,
  env: Readonly<Record<string, string>> = {},
): Promise<UpgradedModule> {
  const go = await requireGo('upgrade aws-lambda-go');
  const scratch = await mkdtemp(join(tmpdir(), 'glm-upgrade-'));
  const dir = join(scratch, basename(moduleDir));
  const dispose = () => rm(scratch, { recursive: true, force: true });
  try {
    await cp(moduleDir, dir, {
      recursive: true,
      filter: (src) => !/(^|[\\/])(\.git|node_modules)$/.test(src),
    });
    // Local `replace` targets (../lib) would point elsewhere from the copy: they become absolute there, and
    // relative again in the patch.
    const localReplaces = await absoluteReplaces(moduleDir, dir);
    const r = await runProgram(go.path, ['get', `${LAMBDA_LIB}@${version}`], {
      cwd: dir,
      env: { ...process.env, GOWORK: 'off', ...env },
    });
    if (r.code !== 0) {
      throw new UserError(
        `go get ${LAMBDA_LIB}@${version} failed in a copy of ${moduleDir}:\n${r.stderr.trim().split('\n').slice(0, 8).join('\n')}`,
        'Check that Go can reach your module proxy (GOPROXY, GOPRIVATE, GONOSUMDB), or pass --lambda-lib-version with a release it can get.',
      );
    }
    const read = (d: string, f: string) => readFile(join(d, f), 'utf8').catch(() => '');
    let newMod = await read(dir, 'go.mod');
    for (const [relativeTarget, absoluteTarget] of localReplaces)
      newMod = newMod.split(absoluteTarget).join(relativeTarget);
    await writeFile(join(dir, 'go.mod'), newMod);
    const got = required(newMod, LAMBDA_LIB);
    if (!got) throw new UserError(`after go get, ${moduleDir}'s go.mod no longer requires ${LAMBDA_LIB}.`);
    const top = (await repositoryTop(moduleDir)) ?? moduleDir;
    const prefix = relative(top, moduleDir).split(sep).filter(Boolean).join('/');
    const path = (f: string) => (prefix ? `${prefix}/${f}` : f);
    let patch = '';
    for (const f of ['go.mod', 'go.sum']) {
      const before = await read(moduleDir, f);
      const after = await read(dir, f);
      if (before === after) continue;
      patch += createTwoFilesPatch(
        before ? `a/${path(f)}` : '/dev/null',
        `b/${path(f)}`,
        before,
        after,
        undefined,
        undefined,
        { context: 3 },
      ).replace(/^=+\n/, '');
    }
    return { dir, version: got, patch, patchRoot: top, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}
