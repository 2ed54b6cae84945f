import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findGo, goBuild } from '../../src/golang/go-toolchain.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/go/', import.meta.url));
const DEMO_LAMBDA_GO = fileURLToPath(new URL('../../demo/lambda-go/', import.meta.url));

async function hashDir(dir: string, h: ReturnType<typeof createHash>): Promise<void> {
  for (const name of (await readdir(dir)).sort()) {
    const p = join(dir, name);
    if ((await stat(p)).isDirectory()) await hashDir(p, h);
    else h.update(name).update(await readFile(p));
  }
}

/** Path of a built fixture (see buildFixture). */
export async function fixturePath(
  name: string,
  options: Parameters<typeof buildFixture>[1] = {},
): Promise<string> {
  const bytes = await buildFixture(name, options);
  const file = join(
    tmpdir(),
    'glm-test-go-builds',
    `${name}-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`,
  );
  await writeFile(file, bytes, { mode: 0o755 });
  return file;
}

/** Builds a Go fixture (cached by source hash) and returns the binary's bytes. */
export async function buildFixture(
  name: string,
  options: { goarch?: 'amd64' | 'arm64'; tags?: string[]; dir?: string; cgo?: boolean } = {},
): Promise<Buffer> {
  const go = await findGo();
  if (!go) throw new Error('Go is required for this test (apt-get install golang-go)');
  const dir = options.dir ?? join(FIXTURES, name);
  const goarch = options.goarch ?? 'amd64';
  const h = createHash('sha256').update(
    `${go.version}|${goarch}|${(options.tags ?? []).join(',')}|${options.cgo ? 'cgo' : ''}`,
  );
  await hashDir(dir, h);
  await hashDir(DEMO_LAMBDA_GO, h);
  const cache = join(tmpdir(), 'glm-test-go-builds');
  await mkdir(cache, { recursive: true });
  const out = join(cache, `${name}-${h.digest('hex').slice(0, 24)}`);
  try {
    return await readFile(out);
  } catch {
    const tmp = `${out}.${process.pid}.tmp`;
    await goBuild(go, {
      dir,
      output: tmp,
      goarch,
      ...(options.tags && { tags: options.tags }),
      ...(options.cgo && { cgo: true }),
      env: { GOFLAGS: '-mod=mod', GOPROXY: 'off', GOWORK: 'off' },
    });
    await rename(tmp, out);
    return readFile(out);
  }
}
