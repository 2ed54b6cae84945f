import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, stat } from 'node:fs/promises';
import { availableParallelism, homedir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Architecture } from '../lambda/lifecycle.js';
import { writeZip, type ZipInput } from '../archive/zip.js';
import { goBuild, requireGo, type GoToolchain } from '../golang/go-toolchain.js';
import type { ApiRequest, SandboxContext } from './context.js';
import { importFunction } from './functions.js';
import { publishVersion } from './versions.js';
import { createAlias } from './aliases.js';
import { tagResource } from './tags.js';
import { functionArn } from './arn.js';
import { DEMO_STACKS, stackTags } from './demo-stacks.js';

/** Where the demo functions' Go sources live (shipped with the package). */
export const DEMO_DIR = fileURLToPath(new URL('../../demo/', import.meta.url));

/** One demo function. */
export interface DemoFunction {
  readonly region: string;
  readonly name: string;
  readonly runtime: string;
  readonly handler: string;
  readonly architecture: Architecture;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: number;
  /** Go module folder under demo/, or undefined for the non-Go function. */
  readonly source?: string;
  readonly buildTags?: readonly string[];
  readonly ldflags?: string;
  /** Files next to the binary in the zip, read from the source folder. */
  readonly extraFiles?: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
  /** The demo stack that deployed it (its tags say so, as CloudFormation's do). */
  readonly stack?: { readonly name: string; readonly logicalId: string };
  readonly environment?: Readonly<Record<string, string>>;
  /** Publish a version and point this alias at it. */
  readonly alias?: string;
}

const ROLE = (account: string) => `arn:aws:iam::${account}:role/demo-lambda-execution`;

/** The demo functions: every case the migration meets, in two regions. */
export const DEMO_FUNCTIONS: readonly DemoFunction[] = [
  {
    region: 'us-east-1',
    name: 'sample-lambda-amd64',
    runtime: 'go1.x',
    handler: 'go-lambda-skeleton-amd64',
    architecture: 'x86_64',
    description: 'The classic go1.x skeleton: echoes the API Gateway request and the Lambda context',
    memorySize: 128,
    timeout: 10,
    source: 'functions/go-lambda-skeleton',
  },
  {
    region: 'us-east-1',
    name: 'orders-api',
    runtime: 'go1.x',
    handler: 'orders-api',
    architecture: 'x86_64',
    description: 'go1.x, aws-lambda-go v1.41 (RPC and Runtime API), deployed by CloudFormation, alias live',
    memorySize: 256,
    timeout: 15,
    source: 'functions/orders-api',
    extraFiles: ['config.json'],
    tags: { team: 'orders' },
    stack: { name: 'shop-prod', logicalId: 'OrdersApiFunction' },
    environment: { TABLE_NAME: 'orders-prod' },
    alias: 'live',
  },
  {
    region: 'eu-west-1',
    name: 'payments-webhook',
    runtime: 'go1.x',
    handler: 'payments-webhook',
    architecture: 'x86_64',
    description: 'go1.x, aws-lambda-go v1.41, source not available: can be repackaged',
    memorySize: 128,
    timeout: 5,
    source: 'lost-source/payments-webhook',
  },
  {
    region: 'eu-west-1',
    name: 'legacy-billing',
    runtime: 'go1.x',
    handler: 'billing',
    architecture: 'x86_64',
    description: 'go1.x, aws-lambda-go v1.13 (RPC only), source not available: must be rebuilt',
    memorySize: 128,
    timeout: 5,
    source: 'lost-source/legacy-billing',
  },
  {
    region: 'eu-west-1',
    name: 'image-resizer',
    runtime: 'provided.al2',
    handler: 'bootstrap',
    architecture: 'x86_64',
    description: 'provided.al2 on x86_64 (deprecated runtime)',
    memorySize: 512,
    timeout: 30,
    source: 'functions/image-resizer',
    buildTags: ['lambda.norpc'],
  },
  {
    region: 'us-east-1',
    name: 'thumbnailer',
    runtime: 'provided.al2023',
    handler: 'bootstrap',
    architecture: 'arm64',
    description: 'Already migrated: provided.al2023 on arm64',
    memorySize: 128,
    timeout: 10,
    source: 'functions/thumbnailer',
    buildTags: ['lambda.norpc'],
    ldflags: '-s -w',
  },
  {
    region: 'eu-west-1',
    name: 'node-webhook',
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    architecture: 'arm64',
    description: 'Not Go: listed, never migrated',
    memorySize: 128,
    timeout: 3,
  },
];

/** Default cache of demo builds, keyed by source hash. */
export function defaultBuildCache(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'go-lambda-migrate', 'demo-builds');
}

async function hashTree(dir: string, hash: ReturnType<typeof createHash>, root: string): Promise<void> {
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    const path = join(dir, name);
    const s = await stat(path);
    if (s.isDirectory()) await hashTree(path, hash, root);
    else if (/\.(go|mod|json|txt)$/.test(name)) {
      hash
        .update(relative(root, path))
        .update('\0')
        .update(await readFile(path))
        .update('\0');
    }
  }
}

/** Where the build of a demo function is cached: a file named by the hash of everything the build reads. */
export async function demoBuildPath(go: GoToolchain, fn: DemoFunction, cacheDir: string): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`${go.version}|${fn.architecture}|${(fn.buildTags ?? []).join(',')}|${fn.ldflags ?? ''}|`);
  await hashTree(join(DEMO_DIR, fn.source!), hash, DEMO_DIR);
  await hashTree(join(DEMO_DIR, 'lambda-go'), hash, DEMO_DIR);
  return join(cacheDir, `${hash.digest('hex').slice(0, 32)}.bin`);
}

/** True when `path` exists. */
const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Builds (or takes from the cache) the binary of a demo function. */
export async function buildDemoBinary(
  go: GoToolchain,
  fn: DemoFunction,
  cacheDir: string,
  onLine?: (line: string) => void,
): Promise<Buffer> {
  const dir = join(DEMO_DIR, fn.source!);
  const cached = await demoBuildPath(go, fn, cacheDir);
  try {
    return await readFile(cached);
  } catch {
    // not built yet
  }
  await mkdir(cacheDir, { recursive: true });
  const tmp = `${cached}.${process.pid}.tmp`;
  await goBuild(
    go,
    {
      dir,
      output: tmp,
      goarch: fn.architecture === 'arm64' ? 'arm64' : 'amd64',
      ...(fn.buildTags && { tags: fn.buildTags }),
      ...(fn.ldflags && { ldflags: fn.ldflags }),
      env: { GOFLAGS: '-mod=mod', GOPROXY: 'off', GOWORK: 'off' },
    },
    onLine,
  );
  await rename(tmp, cached);
  return readFile(cached);
}

/** The deployment zip of a demo function. */
export async function demoZip(
  go: GoToolchain | undefined,
  fn: DemoFunction,
  cacheDir: string,
): Promise<Buffer> {
  if (!fn.source) {
    const index = await readFile(join(DEMO_DIR, 'functions/node-webhook/index.mjs'));
    return writeZip([{ name: 'index.mjs', data: index, mode: 0o644 }]);
  }
  const binary = await buildDemoBinary(go!, fn, cacheDir);
  const entries: ZipInput[] = [{ name: fn.handler, data: binary, mode: 0o755 }];
  for (const extra of fn.extraFiles ?? []) {
    entries.push({ name: extra, data: await readFile(join(DEMO_DIR, fn.source, extra)), mode: 0o644 });
  }
  return writeZip(entries);
}

const request = (
  region: string,
  body: Record<string, unknown>,
  params: Record<string, string> = {},
): ApiRequest => ({
  region,
  params,
  query: new URLSearchParams(),
  body,
  baseUrl: 'http://sandbox',
});

/** What seeding the demo functions is doing, for a progress view. */
export type SeedEvent =
  /** The functions to create: `build` is false for those whose build is cached (or that have nothing to build). */
  | {
      readonly type: 'seeding';
      readonly functions: readonly { readonly key: string; readonly build: boolean }[];
    }
  | { readonly type: 'build-start'; readonly key: string; readonly source: string }
  | { readonly type: 'build-done'; readonly key: string }
  | { readonly type: 'created'; readonly keys: readonly string[] };

/** How many demo builds run at once: each `go build` is itself parallel, so a few are enough. */
const BUILDS_AT_ONCE = Math.min(4, Math.max(2, availableParallelism()));

/**
 * Creates the demo functions that do not exist yet. Builds their Go sources with the local toolchain, a few
 * at a time, cached by the hash of their sources (a later start with the same sources builds nothing).
 * Returns the names created.
 */
export async function seedDemoFunctions(
  ctx: SandboxContext,
  options: { cacheDir?: string; onEvent?: (e: SeedEvent) => void } = {},
): Promise<string[]> {
  const missing = DEMO_FUNCTIONS.filter((f) => !ctx.store.get(f.region, f.name));
  if (missing.length === 0) return [];
  const go = missing.some((f) => f.source) ? await requireGo('build the sandbox demo functions') : undefined;
  const cacheDir = options.cacheDir ?? defaultBuildCache();
  const key = (fn: DemoFunction) => `${fn.region}/${fn.name}`;
  const toBuild = new Set<DemoFunction>();
  for (const fn of missing)
    if (fn.source && !(await exists(await demoBuildPath(go!, fn, cacheDir)))) toBuild.add(fn);
  options.onEvent?.({
    type: 'seeding',
    functions: missing.map((fn) => ({ key: key(fn), build: toBuild.has(fn) })),
  });
  const created: string[] = [];
  const zips = new Map<DemoFunction, Buffer>();
  const queue = [...missing];
  await Promise.all(
    Array.from({ length: BUILDS_AT_ONCE }, async () => {
      for (let fn = queue.shift(); fn; fn = queue.shift()) {
        const building = toBuild.has(fn);
        if (building) options.onEvent?.({ type: 'build-start', key: key(fn), source: `demo/${fn.source}` });
        zips.set(fn, await demoZip(go, fn, cacheDir));
        if (building) options.onEvent?.({ type: 'build-done', key: key(fn) });
      }
    }),
  );
  for (const fn of missing) {
    await importFunction(
      ctx,
      request(fn.region, {
        FunctionName: fn.name,
        Runtime: fn.runtime,
        Handler: fn.handler,
        Role: ROLE(ctx.accountId),
        Architectures: [fn.architecture],
        Description: fn.description,
        MemorySize: fn.memorySize,
        Timeout: fn.timeout,
        Code: { ZipFile: zips.get(fn)!.toString('base64') },
        ...(fn.environment && { Environment: { Variables: fn.environment } }),
      }),
    );
    const stack = fn.stack && DEMO_STACKS.find((s) => s.name === fn.stack!.name && s.region === fn.region);
    const tags = { ...fn.tags, ...(stack && stackTags(stack, fn.stack.logicalId, ctx.accountId)) };
    if (Object.keys(tags).length > 0) {
      const arn = functionArn(fn.region, ctx.accountId, fn.name);
      await tagResource(ctx, request(fn.region, { Tags: tags }, { arn }));
    }
    if (fn.alias) {
      const published = await publishVersion(ctx, request(fn.region, {}, { name: fn.name }));
      const version = (published.body as { Version: string }).Version;
      await createAlias(
        ctx,
        request(fn.region, { Name: fn.alias, FunctionVersion: version }, { name: fn.name }),
      );
    }
    created.push(key(fn));
  }
  options.onEvent?.({ type: 'created', keys: created });
  return created;
}
