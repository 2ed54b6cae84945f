import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeZip } from '../../src/archive/zip.js';
import { findGo } from '../../src/golang/go-toolchain.js';
import { buildDemoBinary, defaultBuildCache, DEMO_FUNCTIONS } from '../../src/sandbox/seed.js';
import { runCli } from '../helpers/cli.js';
import { fixturePath } from '../helpers/go.js';

interface Report {
  arch: string;
  linkage: string;
  goVersion: string;
  mainPath: string;
  deps: { path: string; version: string; replace: { path: string } | null }[];
  lambdaLibrary: { path: string; version: string } | null;
  runtimeApi: boolean;
  rpc: boolean;
  cgo: boolean;
  tags: string[];
  glibc: string | null;
  verdict: string;
  reasons: string[];
  buildSettings: Record<string, string>;
}

/** `go version -m`, parsed independently of the code under test. */
function goVersionM(file: string) {
  const out = execFileSync('go', ['version', '-m', file], { encoding: 'utf8' });
  const lines = out.split('\n').map((l) => l.trim().split('\t'));
  const version = out.split('\n')[0]!.split(': ')[1]!.trim();
  const get = (k: string) => lines.filter((l) => l[0] === k);
  const settings = Object.fromEntries(
    get('build').map((l) => {
      const i = l[1]!.indexOf('=');
      return [l[1]!.slice(0, i), l[1]!.slice(i + 1).replace(/^"(.*)"$/, '$1')];
    }),
  );
  return {
    version,
    path: get('path')[0]?.[1],
    deps: get('dep').map((l) => ({ path: l[1], version: l[2] })),
    settings,
  };
}

/** `readelf`, likewise independent. */
function readelf(file: string) {
  const header = execFileSync('readelf', ['-h', file], { encoding: 'utf8' });
  const program = execFileSync('readelf', ['-l', '-W', file], { encoding: 'utf8' });
  const versions = execFileSync('readelf', ['-V', '-W', file], { encoding: 'utf8' });
  const glibc = [...versions.matchAll(/Name: GLIBC_(\d+\.\d+(?:\.\d+)?)/g)].map((m) => m[1]!);
  glibc.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  return {
    machine: /Machine:\s+(.+)/.exec(header)![1]!.trim(),
    interp: program.includes('INTERP'),
    glibc: glibc.at(-1) ?? null,
  };
}

async function inspectJson(file: string, extra: string[] = []): Promise<Report> {
  const r = await runCli(['inspect', file, '--json', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

function compareWithTools(file: string, report: Report) {
  const m = goVersionM(file);
  const e = readelf(file);
  expect(report.goVersion).toBe(m.version);
  expect(report.mainPath).toBe(m.path);
  expect(report.deps.map((d) => ({ path: d.path, version: d.version }))).toEqual(m.deps);
  for (const [k, v] of Object.entries(m.settings)) expect(report.buildSettings[k], k).toBe(v);
  expect(report.arch).toBe(
    e.machine.includes('AArch64') ? 'arm64' : e.machine.includes('X86-64') ? 'x86_64' : 'other',
  );
  expect(report.linkage).toBe(e.interp ? 'dynamic' : 'static');
  expect(report.glibc).toBe(e.glibc);
  expect(report.tags).toEqual(m.settings['-tags'] ? m.settings['-tags'].split(',') : []);
  expect(report.cgo).toBe(m.settings.CGO_ENABLED === '1');
}

describe('inspect --json against go version -m and readelf', () => {
  const bins: Record<string, string> = {};
  beforeAll(async () => {
    bins.amd64 = await fixturePath('behave');
    bins.arm64 = await fixturePath('behave', { goarch: 'arm64' });
    bins.norpc = await fixturePath('behave', { tags: ['lambda.norpc'] });
    bins.cgo = await fixturePath('cgo', { cgo: true });
    const go = (await findGo())!;
    const legacy = await buildDemoBinary(
      go,
      DEMO_FUNCTIONS.find((f) => f.name === 'legacy-billing')!,
      defaultBuildCache(),
    );
    bins.legacy = join(tmpdir(), 'glm-test-legacy-billing');
    writeFileSync(bins.legacy, legacy, { mode: 0o755 });
  }, 300_000);

  it('amd64, Runtime API and RPC: repackage-ok', async () => {
    const r = await inspectJson(bins.amd64!);
    compareWithTools(bins.amd64!, r);
    expect(r).toMatchObject({
      arch: 'x86_64',
      linkage: 'static',
      runtimeApi: true,
      rpc: true,
      cgo: false,
      verdict: 'repackage-ok',
    });
    expect(r.lambdaLibrary).toEqual({ path: 'github.com/aws/aws-lambda-go', version: 'v1.41.0' });
  });

  it('arm64 build', async () => {
    const r = await inspectJson(bins.arm64!);
    compareWithTools(bins.arm64!, r);
    expect(r.arch).toBe('arm64');
    // Nothing to rebuild for arm64: the text says so rather than asking for the source.
    const text = await runCli(['inspect', bins.arm64!]);
    expect(text.stdout).toMatch(/arm64 rebuild {2}not needed: it is built for arm64 already/);
    const amd64 = await runCli(['inspect', bins.amd64!]);
    expect(amd64.stdout).toMatch(/arm64 rebuild {2}needs the function’s Go source/);
  });

  it('lambda.norpc: no go1.x RPC, and a warning never to roll back to go1.x with it', async () => {
    const r = await inspectJson(bins.norpc!);
    compareWithTools(bins.norpc!, r);
    expect(r).toMatchObject({
      tags: ['lambda.norpc'],
      rpc: false,
      runtimeApi: true,
      verdict: 'repackage-ok',
    });
    expect(r.reasons.join('\n')).toContain('never be used to roll back to go1.x');
  });

  it('RPC-only (aws-lambda-go v1.13.3): rebuild-required, with the reason', async () => {
    const r = await inspectJson(bins.legacy!);
    compareWithTools(bins.legacy!, r);
    expect(r).toMatchObject({ runtimeApi: false, rpc: true, verdict: 'rebuild-required' });
    expect(r.lambdaLibrary!.version).toBe('v1.13.3');
    expect(r.reasons[0]).toContain('predates v1.18.0');
  });

  it('cgo: dynamic, required glibc read from .gnu.version_r and judged against the target', async () => {
    const r = await inspectJson(bins.cgo!);
    compareWithTools(bins.cgo!, r);
    expect(r).toMatchObject({ linkage: 'dynamic', cgo: true, lambdaLibrary: null });
    const al2 = await inspectJson(bins.cgo!, ['--target', 'provided.al2']);
    // Debian 12's glibc is newer than Amazon Linux 2's 2.26.
    expect(al2.verdict).toBe('rebuild-required');
    expect(al2.reasons.join('\n')).toMatch(/GLIBC_2\.\d+ not found/);
  });

  it('reads the binary inside a zip: --handler, bootstrap symlink, or the only ELF', async () => {
    const data = readFileSync(bins.amd64!);
    const zipFile = join(tmpdir(), 'glm-test-inspect.zip');
    writeFileSync(
      zipFile,
      await writeZip([
        { name: 'main', data, mode: 0o755 },
        { name: 'bootstrap', symlinkTarget: 'main' },
        { name: 'config.json', data: Buffer.from('{}') },
      ]),
    );
    const r = await inspectJson(zipFile);
    expect(r.verdict).toBe('repackage-ok');
    const h = await inspectJson(zipFile, ['--handler', 'main']);
    expect(h.goVersion).toBe(r.goVersion);
    const missing = await runCli(['inspect', zipFile, '--handler', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("has no entry 'nope'");
  });

  it('a non-Go binary and a file that is not ELF are not-go; a corrupt zip is a clear error', async () => {
    const ls = await inspectJson('/bin/ls');
    expect(ls.verdict).toBe('not-go');
    expect((await runCli(['inspect', '/bin/ls'])).stdout).toMatch(
      /arm64 rebuild {2}not possible: not a Go program: this tool rebuilds Go sources only/,
    );
    const text = join(tmpdir(), 'glm-test-text.bin');
    writeFileSync(text, 'hello');
    expect((await inspectJson(text)).verdict).toBe('not-go');
    expect((await runCli(['inspect', text])).stdout).toMatch(
      /arm64 rebuild {2}not possible: not an executable/,
    );
    const bad = join(tmpdir(), 'glm-test-bad.zip');
    writeFileSync(bad, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100)]));
    const r = await runCli(['inspect', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is not a readable zip/);
  });
});
