import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { writeZip } from '../../src/archive/zip.js';
import { REAL_RELEASES, releaseDir } from './real-lambda-go.js';

const LIB = 'github.com/aws/aws-lambda-go';

/** A module path as the proxy protocol spells it: each capital letter becomes `!` and its lower case. */
const escape = (path: string) => path.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);

/** `require` lines of a go.mod, single and in blocks. */
function requires(goMod: string): { path: string; version: string }[] {
  const out: { path: string; version: string }[] = [];
  let block = false;
  for (const raw of goMod.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (line === 'require (') block = true;
    else if (block && line === ')') block = false;
    else {
      const m = (block ? /^(\S+)\s+(v\S+)$/ : /^require\s+(\S+)\s+(v\S+)$/).exec(line);
      if (m) out.push({ path: m[1]!, version: m[2]! });
    }
  }
  return out;
}

async function files(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p, base)));
    else out.push(relative(base, p));
  }
  return out.sort();
}

const info = (version: string) => JSON.stringify({ Version: version, Time: '2020-01-01T00:00:00Z' });

/**
 * A Go module proxy in a folder (for GOPROXY=file://DIR) that serves the real aws-lambda-go releases found
 * on this machine, so `go get github.com/aws/aws-lambda-go@V` works offline as it would online. The modules
 * those releases require (testify and the like: only their test code needs them) are served as go.mod files
 * without requirements, which closes the module graph; with GOSUMDB=off, Go accepts them. Returns the folder,
 * or undefined when no release is on this machine.
 */
export async function releaseProxy(dir: string): Promise<string | undefined> {
  const found = REAL_RELEASES.filter((v) => releaseDir(v));
  if (found.length === 0) return undefined;
  const lib = join(dir, escape(LIB), '@v');
  await mkdir(lib, { recursive: true });
  const deps = new Map<string, Set<string>>();
  for (const v of found) {
    const src = releaseDir(v)!;
    const goMod = await readFile(join(src, 'go.mod'), 'utf8');
    await writeFile(join(lib, `${v}.mod`), goMod);
    await writeFile(join(lib, `${v}.info`), info(v));
    const entries = [];
    for (const f of await files(src))
      entries.push({ name: `${LIB}@${v}/${f}`, data: await readFile(join(src, f)), mode: 0o644 });
    await writeFile(join(lib, `${v}.zip`), await writeZip(entries));
    for (const r of requires(goMod)) {
      if (!deps.has(r.path)) deps.set(r.path, new Set());
      deps.get(r.path)!.add(r.version);
    }
  }
  await writeFile(join(lib, 'list'), found.join('\n') + '\n');
  for (const [path, versions] of deps) {
    const d = join(dir, escape(path), '@v');
    await mkdir(d, { recursive: true });
    for (const v of versions) {
      await writeFile(join(d, `${v}.mod`), `module ${path}\n`);
      await writeFile(join(d, `${v}.info`), info(v));
    }
    await writeFile(join(d, 'list'), [...versions].join('\n') + '\n');
  }
  return dir;
}
