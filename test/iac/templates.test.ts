import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { openZip } from '../../src/archive/zip.js';
import { readElf } from '../../src/golang/elf.js';
import { DEMO_DIR } from '../../src/sandbox/seed.js';
import { renderTemplate, TEMPLATES, TEMPLATES_DIR, type TemplateName } from '../../src/iac/templates.js';
import { runCli } from '../helpers/cli.js';

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'glm-templates-'));
  temps.push(d);
  return d;
};
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) =>
    statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)],
  );
const values = {
  name: 'thumbnailer',
  id: 'Thumbnailer',
  runtime: 'provided.al2023',
  arch: 'arm64',
  source: 'fn',
};
// The demo modules build offline: their aws-lambda-go is a local replace.
const GO_ENV = { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off', GOWORK: 'off' };

describe('templates/', () => {
  it('every file in templates/ is one the code renders, and every template the code names exists', () => {
    const onDisk = files(TEMPLATES_DIR)
      .map((f) => relative(TEMPLATES_DIR, f))
      .sort();
    expect(
      Object.values(TEMPLATES)
        .map((t) => t.file)
        .sort(),
    ).toEqual(onDisk);
  });

  it('each renders with no placeholder left, and the IaC fragments parse with their formats’ parsers', async () => {
    for (const name of Object.keys(TEMPLATES) as TemplateName[]) {
      const text = renderTemplate(name, values);
      expect(text, name).not.toMatch(/\{\{/);
      if (/\.(ya?ml|json)$/.test(TEMPLATES[name].file)) expect(() => void parse(text), name).not.toThrow();
      if (TEMPLATES[name].file.endsWith('.tf')) await expect(parseHcl('t.tf', text)).resolves.toBeDefined();
    }
    const sam = parse(renderTemplate('sam', values)) as Record<
      string,
      { Properties: Record<string, unknown>; Metadata: unknown }
    >;
    expect(sam.Thumbnailer).toMatchObject({
      Metadata: { BuildMethod: 'go1.x' },
      Properties: { Runtime: 'provided.al2023', Handler: 'bootstrap', Architectures: ['arm64'] },
    });
    const workflow = parse(renderTemplate('github-actions', values)) as {
      jobs: { build: { steps: { run?: string }[] } };
    };
    expect(
      workflow.jobs.build.steps
        .map((s) => s.run)
        .filter(Boolean)
        .join('\n'),
    ).toMatch(/-tags lambda\.norpc[\s\S]*-o bootstrap[\s\S]*zip -X thumbnailer\.zip bootstrap/);
  });

  it('the build script and the Makefile build a real arm64 bootstrap with -tags lambda.norpc, zipped', async () => {
    for (const name of ['build-script', 'makefile'] as const) {
      const dir = temp();
      cpSync(join(DEMO_DIR, 'functions/thumbnailer'), join(dir, 'functions/thumbnailer'), {
        recursive: true,
      });
      cpSync(join(DEMO_DIR, 'lambda-go'), join(dir, 'lambda-go'), { recursive: true });
      const r = await runCli([
        'templates',
        name,
        '--name',
        'thumbnailer',
        '--source',
        'functions/thumbnailer',
        '--out',
        dir,
      ]);
      expect(r.code, r.stderr).toBe(0);
      if (name === 'build-script') execFileSync('./build.sh', [], { cwd: dir, env: GO_ENV, stdio: 'pipe' });
      else
        execFileSync('make', ['-f', 'Makefile.thumbnailer', 'thumbnailer'], {
          cwd: dir,
          env: GO_ENV,
          stdio: 'pipe',
        });
      const zip = await openZip(readFileSync(join(dir, 'build/thumbnailer.zip')));
      expect(
        zip.entries.map((e) => e.name),
        name,
      ).toEqual(['bootstrap']);
      expect(zip.entries[0]!.unixMode! & 0o111, name).not.toBe(0);
      const binary = await zip.read(zip.entries[0]!);
      expect(readElf(binary).arch, name).toBe('arm64');
      expect(binary.includes(Buffer.from('lambda.norpc')), name).toBe(true);
    }
  }, 240_000);

  it('templates lists them; writes the asked ones under --out; never overwrites without --force; an unknown name is a usage error', async () => {
    const list = await runCli(['templates']);
    expect(list.code).toBe(0);
    for (const name of Object.keys(TEMPLATES)) expect(list.stdout).toContain(name);
    const dir = temp();
    const first = await runCli(['templates', 'sam', 'terraform', '--name', 'orders-api', '--out', dir]);
    expect(first.code, first.stderr).toBe(0);
    expect(readFileSync(join(dir, 'orders-api.sam.yaml'), 'utf8')).toContain('OrdersApi:');
    expect(readFileSync(join(dir, 'orders-api.tf'), 'utf8')).toContain('function_name    = "orders-api"');
    const again = await runCli(['templates', 'sam', '--name', 'orders-api', '--out', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists; nothing was written[\s\S]*--force/);
    expect((await runCli(['templates', 'sam', '--name', 'orders-api', '--out', dir, '--force'])).code).toBe(
      0,
    );
    const bad = await runCli(['templates', 'pulumi']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no template named pulumi; the templates are makefile, build-script/);
  }, 60_000);
});
