import { readFile, readdir } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';

/** A Go module found on disk. */
export interface GoModule {
  readonly dir: string;
  readonly path: string;
  /** The `go` directive, e.g. `1.21`. */
  readonly goVersion: string | undefined;
}

/** Where a binary's source is, or why it could not be decided. */
export interface SourceMatch {
  readonly status: 'found' | 'ambiguous' | 'not-found';
  /** The main package's folder, when found. */
  readonly dir?: string;
  readonly module?: GoModule;
  readonly how?: 'main-package-path' | 'handler-name';
  /** Folders that could be it, when ambiguous. */
  readonly candidates: string[];
}

const SKIP = new Set(['node_modules', 'vendor', 'testdata', '.git', 'dist']);
const MAX_DEPTH = 8;
const MAX_DIRS = 20_000;

/** Finds Go modules (go.mod with a module line) under `roots`. */
export async function findModules(roots: readonly string[]): Promise<GoModule[]> {
  const out: GoModule[] = [];
  let visited = 0;
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH || ++visited > MAX_DIRS) return;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.isFile() && e.name === 'go.mod')) {
      const text = await readFile(join(dir, 'go.mod'), 'utf8').catch(() => '');
      const mod = /^module\s+"?([^\s"]+)"?/m.exec(text);
      const go = /^go\s+(\d+\.\d+(?:\.\d+)?)/m.exec(text);
      if (mod) out.push({ dir, path: mod[1]!, goVersion: go?.[1] });
    }
    for (const e of entries) {
      if (e.isDirectory() && !e.name.startsWith('.') && !SKIP.has(e.name))
        await walk(join(dir, e.name), depth + 1);
    }
  };
  for (const root of roots) await walk(root, 0);
  return out;
}

async function isMainPackage(dir: string): Promise<boolean> {
  try {
    for (const name of await readdir(dir)) {
      if (!name.endsWith('.go') || name.endsWith('_test.go')) continue;
      if (/^package\s+main\b/m.test(await readFile(join(dir, name), 'utf8'))) return true;
    }
  } catch {
    return false;
  }
  return false;
}

/**
 * Maps a binary to its source: the module whose path is the longest prefix of the binary's main package
 * path; failing that, a `package main` folder named like the handler. Two equally good answers are reported
 * as ambiguous, never guessed.
 */
export async function matchSource(
  modules: readonly GoModule[],
  mainPath: string | null,
  handler?: string,
): Promise<SourceMatch> {
  if (mainPath) {
    const prefixed = modules.filter((m) => mainPath === m.path || mainPath.startsWith(`${m.path}/`));
    const longest = Math.max(-1, ...prefixed.map((m) => m.path.length));
    const best = prefixed.filter((m) => m.path.length === longest);
    const dirs: { module: GoModule; dir: string }[] = [];
    for (const m of best) {
      const dir = join(m.dir, mainPath.slice(m.path.length));
      if (await isMainPackage(dir)) dirs.push({ module: m, dir });
    }
    if (dirs.length === 1)
      return {
        status: 'found',
        dir: dirs[0]!.dir,
        module: dirs[0]!.module,
        how: 'main-package-path',
        candidates: [],
      };
    if (dirs.length > 1) return { status: 'ambiguous', candidates: dirs.map((d) => d.dir) };
  }
  if (handler && handler !== 'bootstrap') {
    const named: { module: GoModule; dir: string }[] = [];
    for (const m of modules) {
      for (const dir of [m.dir, join(m.dir, 'cmd', handler)]) {
        if (
          (basename(dir) === handler || relative(m.dir, dir) === join('cmd', handler)) &&
          (await isMainPackage(dir))
        ) {
          named.push({ module: m, dir });
        }
      }
    }
    if (named.length === 1)
      return {
        status: 'found',
        dir: named[0]!.dir,
        module: named[0]!.module,
        how: 'handler-name',
        candidates: [],
      };
    if (named.length > 1) return { status: 'ambiguous', candidates: named.map((d) => d.dir) };
  }
  return { status: 'not-found', candidates: [] };
}
