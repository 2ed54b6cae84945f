import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetFunctionConfigurationCommand, InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { writeZip } from '../../src/archive/zip.js';
import { findGo, goBuild } from '../../src/golang/go-toolchain.js';
import { runCli, startSandboxProcess, type SandboxProcess } from '../helpers/cli.js';
import { releaseProxy } from '../helpers/go-proxy.js';
import { importFunction } from '../helpers/import.js';
import { lambdaClient, ROLE } from '../helpers/sandbox.js';

const HANDLER = fileURLToPath(new URL('../fixtures/real-lambda-go/main.go', import.meta.url));

/**
 * The most common blocker: a go1.x function built with the real aws-lambda-go v1.13.3 (RPC only). With its
 * source at hand, plan upgrades the library in a copy of the module, apply migrates it with no failed
 * invocation, rollback puts back the exact original, and the go.mod/go.sum patch applies to the source.
 * Go reaches the releases through a module proxy in a folder (GOPROXY=file://…), as a user's Go reaches
 * proxy.golang.org.
 */
describe('upgrade-rebuild of an aws-lambda-go v1.13.3 function', () => {
  let work: string;
  let repo: string;
  let sb: SandboxProcess;
  let client: LambdaClient;
  let goEnv: Record<string, string>;
  let originalSha = '';
  const cli = (args: string[]) =>
    runCli(['--state-dir', join(work, 'state'), '--region', 'us-east-1', ...args], {
      env: {
        ...goEnv,
        AWS_ACCESS_KEY_ID: 'AKIDTEST',
        AWS_SECRET_ACCESS_KEY: 'x',
        AWS_ENDPOINT_URL: sb.url,
      },
      timeoutMs: 300_000,
    });

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'glm-upgrade-e2e-'));
    const proxy = await releaseProxy(join(work, 'proxy'));
    goEnv = proxy
      ? { GOPROXY: `file://${proxy}`, GOSUMDB: 'off', GOFLAGS: '-mod=mod' }
      : { GOFLAGS: '-mod=mod' };
    // The user's repository: the function's module in a subfolder, committed.
    repo = join(work, 'repo');
    const mod = join(repo, 'services', 'legacy');
    await mkdir(mod, { recursive: true });
    await writeFile(
      join(mod, 'go.mod'),
      'module example.com/legacy\n\ngo 1.19\n\nrequire github.com/aws/aws-lambda-go v1.13.3\n',
    );
    await copyFile(HANDLER, join(mod, 'main.go'));
    const go = (await findGo())!;
    const deployed = join(work, 'legacy');
    await goBuild(go, { dir: mod, output: deployed, goarch: 'amd64', env: { ...goEnv, GOWORK: 'off' } });
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: repo,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@x',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@x',
        },
      });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'the function as deployed');
    sb = await startSandboxProcess([
      '--no-seed',
      '--data-dir',
      join(work, 'sandbox'),
      '--update-delay-ms',
      '200',
    ]);
    client = lambdaClient(sb.url, 'us-east-1');
    await importFunction(sb.url, {
      FunctionName: 'legacy',
      Runtime: 'go1.x',
      Handler: 'legacy',
      Role: ROLE,
      Timeout: 15,
      Code: { ZipFile: await writeZip([{ name: 'legacy', data: await readFile(deployed), mode: 0o755 }]) },
    });
    originalSha = (await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'legacy' })))
      .CodeSha256!;
  }, 300_000);
  afterAll(async () => {
    await sb?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('plans an upgrade-rebuild, migrates with no failed invocation, rolls back exactly; the patch applies', async () => {
    const planFile = join(work, 'plan.json');
    const p = await cli(['plan', 'legacy', '--source', repo, '--out', planFile, '--json']);
    expect(p.code, p.stderr).toBe(0);
    const doc = JSON.parse(p.stdout) as {
      functions: {
        strategy: string;
        blocked: string | null;
        libraryUpgrade?: { from: string; to: string; patch: string; patchRoot: string };
        steps: { action: string }[];
      }[];
    };
    const f = doc.functions[0]!;
    expect(f.blocked).toBeNull();
    expect(f.strategy).toBe('rebuild');
    expect(f.libraryUpgrade).toMatchObject({ from: 'v1.13.3', to: 'v1.54.0', patchRoot: repo });
    expect(f.libraryUpgrade!.patch).toContain('--- a/services/legacy/go.mod');
    expect(f.libraryUpgrade!.patch).toContain('+require github.com/aws/aws-lambda-go v1.54.0');
    expect(f.steps.map((s) => s.action)).toContain('bridge');
    // The user's tree is untouched until they apply the patch.
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: repo }).toString()).toBe('');
    const patchFile = /git apply (\S+\.patch)\)/.exec(p.stderr)?.[1];
    expect(patchFile, p.stderr).toBeDefined();

    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const invoker = (async () => {
      while (!stop) {
        const out = await client.send(
          new InvokeCommand({ FunctionName: 'legacy', Payload: Buffer.from('{"name":"live"}') }),
        );
        const body = JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString() || 'null') as {
          hello?: string;
          requestId?: string;
        } | null;
        if (out.FunctionError || body?.hello !== 'live' || !body.requestId)
          failures.push(`${out.FunctionError ?? ''} ${JSON.stringify(body)}`);
        else ok++;
      }
    })();
    const a = await cli(['apply', '--plan', planFile, '--yes', '--json']);
    stop = true;
    await invoker;
    expect(a.code, a.stderr).toBe(0);
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(5);
    const after = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'legacy' }));
    expect([after.Runtime, after.Handler, after.Architectures]).toEqual([
      'provided.al2023',
      'bootstrap',
      ['arm64'],
    ]);

    const r = await cli(['rollback', 'legacy', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    const back = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'legacy' }));
    expect([back.Runtime, back.Handler, back.Architectures, back.CodeSha256]).toEqual([
      'go1.x',
      'legacy',
      ['x86_64'],
      originalSha,
    ]);

    execFileSync('git', ['apply', '--check', patchFile!], { cwd: repo });
    execFileSync('git', ['apply', patchFile!], { cwd: repo });
    expect(await readFile(join(repo, 'services', 'legacy', 'go.mod'), 'utf8')).toContain(
      'require github.com/aws/aws-lambda-go v1.54.0',
    );
  }, 600_000);

  it('a v1.18.0 function with its source is planned with the upgrade, and keeps its request id', async () => {
    const mod = join(repo, 'services', 'ids');
    await mkdir(mod, { recursive: true });
    // A local module next to it, through a relative replace: the copy must still find it.
    await mkdir(join(repo, 'services', 'helper'), { recursive: true });
    await writeFile(join(repo, 'services', 'helper', 'go.mod'), 'module example.com/helper\n\ngo 1.19\n');
    await writeFile(
      join(repo, 'services', 'helper', 'helper.go'),
      'package helper\n\nconst Name = "helper"\n',
    );
    await writeFile(
      join(mod, 'go.mod'),
      'module example.com/ids\n\ngo 1.19\n\nrequire (\n\tgithub.com/aws/aws-lambda-go v1.18.0\n\texample.com/helper v0.0.0\n)\n\nreplace example.com/helper => ../helper\n',
    );
    await copyFile(HANDLER, join(mod, 'main.go'));
    const bin = join(work, 'ids');
    await goBuild((await findGo())!, {
      dir: mod,
      output: bin,
      goarch: 'amd64',
      env: { ...goEnv, GOWORK: 'off' },
    });
    await importFunction(sb.url, {
      FunctionName: 'ids',
      Runtime: 'go1.x',
      Handler: 'ids',
      Role: ROLE,
      Code: { ZipFile: await writeZip([{ name: 'ids', data: await readFile(bin), mode: 0o755 }]) },
    });
    const withSource = await cli(['plan', 'ids', '--source', mod, '--json']);
    expect(withSource.code, withSource.stderr).toBe(0);
    const f = (
      JSON.parse(withSource.stdout) as {
        functions: {
          libraryUpgrade?: { from: string; to: string; patch: string };
          risks: { code: string }[];
          smoke: { response: string };
        }[];
      }
    ).functions[0]!;
    expect(f.libraryUpgrade).toMatchObject({ from: 'v1.18.0', to: 'v1.54.0' });
    const patch = f.libraryUpgrade!.patch;
    expect(patch).not.toContain(work); // the relative replace stays relative in the change to commit
    expect(patch).toContain('+\tgithub.com/aws/aws-lambda-go v1.54.0');
    expect(f.risks.map((r) => r.code)).not.toContain('request-id-empty');
    expect(f.smoke.response).not.toMatch(/"requestId":""/);
    // Kept as it is, it loses the request id, and the plan says so.
    const kept = await cli(['plan', 'ids', '--source', mod, '--lambda-lib-version', 'keep', '--json']);
    const k = (
      JSON.parse(kept.stdout) as { functions: { risks: { code: string }[]; libraryUpgrade?: unknown }[] }
    ).functions[0]!;
    expect(k.libraryUpgrade).toBeUndefined();
    expect(k.risks.map((r) => r.code)).toContain('request-id-empty');
  }, 300_000);
});
