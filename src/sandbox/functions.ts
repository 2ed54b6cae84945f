import { createHash, randomUUID } from 'node:crypto';
import type { ApiRequest, ApiResponse, SandboxContext } from './context.js';
import { latestRevision, type FunctionConfig, type FunctionRecord, type VersionRecord } from './model.js';
import { conflict, invalidParameter, validation } from './api-error.js';
import { isValidFunctionName, parseFunctionName } from './arn.js';
import { lambdaTimestamp } from './format.js';
import { marker, pageSize, requireFunction, resolveQualifier } from './lookup.js';
import { renderConfig } from './render.js';
import {
  architecturesField,
  assertUpdatable,
  checkRevision,
  checkRuntimeArchitecture,
  checkZip,
  environmentField,
  handlerField,
  intField,
  roleField,
  runtimeBlocked,
  runtimeField,
  stringField,
} from './validate.js';
import { publishLatest } from './versions.js';
import { tagsField } from './tags.js';

/** CreateFunction (ZipFile packages only). */
export function createFunction(ctx: SandboxContext, req: ApiRequest): Promise<ApiResponse> {
  return createFunctionWith(ctx, req, false);
}

/**
 * The sandbox's own import: CreateFunction as if made before the runtime's block-create date, so that
 * go1.x functions (which AWS no longer lets anyone create) can exist in the sandbox as they do in accounts.
 */
export function importFunction(ctx: SandboxContext, req: ApiRequest): Promise<ApiResponse> {
  return createFunctionWith(ctx, req, true);
}

async function createFunctionWith(
  ctx: SandboxContext,
  req: ApiRequest,
  imported: boolean,
): Promise<ApiResponse> {
  const b = req.body;
  const name = b.FunctionName;
  if (typeof name !== 'string' || !isValidFunctionName(name)) {
    throw validation('functionName', name, 'Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+');
  }
  if (b.PackageType !== undefined && b.PackageType !== 'Zip') {
    throw invalidParameter('The sandbox supports PackageType Zip only.');
  }
  const runtime = runtimeField(ctx, b.Runtime);
  const handler = handlerField(b.Handler);
  const role = roleField(b.Role);
  if (!role) throw validation('role', b.Role, 'Member must not be null');
  if (!runtime || !handler) {
    throw invalidParameter(
      'Runtime and Handler are mandatory parameters for functions created with deployment packages.',
    );
  }
  const architectures = architecturesField(b.Architectures) ?? ['x86_64'];
  checkRuntimeArchitecture(ctx, runtime, architectures[0]!);
  if (!imported && ctx.lifecycle.createBlocked(runtime, ctx.today())) throw runtimeBlocked(runtime);
  const memorySize = intField(b.MemorySize, 'memorySize', 128, 10240) ?? 128;
  const timeout = intField(b.Timeout, 'timeout', 1, 900) ?? 3;
  const description = stringField(b.Description, 'description', 256) ?? '';
  const environment = environmentField(b.Environment);
  const ephemeral = intField(
    (b.EphemeralStorage as { Size?: unknown } | undefined)?.Size,
    'ephemeralStorage.size',
    512,
    10240,
  );
  const tags = tagsField(b.Tags) ?? {};
  const zip = await checkZip((b.Code as { ZipFile?: unknown } | undefined)?.ZipFile, 'CreateFunction');
  if (ctx.store.get(req.region, name)) throw conflict(`Function already exist: ${name}`);
  const code = await ctx.store.putCode(zip);
  const now = ctx.now();
  const latest: FunctionConfig = {
    runtime,
    handler,
    role,
    description,
    timeout,
    memorySize,
    environment,
    architectures,
    code,
    lastModified: lambdaTimestamp(now),
    revisionId: randomUUID(),
    ephemeralStorage: ephemeral ?? 512,
  };
  let record: FunctionRecord = {
    region: req.region,
    name,
    latest,
    previous: undefined,
    createdReadyAt: imported ? now : now + ctx.updateDelayMs,
    updateReadyAt: 0,
    versions: [],
    nextVersion: 1,
    aliases: [],
    tags,
    generation: 1,
  };
  let version = '$LATEST';
  if (b.Publish === true) {
    const published = publishLatest(ctx, record, description);
    record = published.record;
    version = published.version;
  }
  await ctx.store.save(record);
  return { status: 201, body: renderConfig(ctx, record, version, false) };
}

/** GetFunction: configuration, a time-limited Code.Location, tags. */
export function getFunction(ctx: SandboxContext, req: ApiRequest): ApiResponse {
  const ref = parseFunctionName(req.params.name!);
  const record = requireFunction(ctx, req.region, ref.name);
  const qualifier = req.query.get('Qualifier') ?? ref.qualifier;
  const version = resolveQualifier(ctx, record, qualifier);
  const config = renderConfig(ctx, record, version, qualifier !== undefined);
  return {
    status: 200,
    body: {
      Configuration: config,
      Code: { RepositoryType: 'S3', Location: ctx.codeLocation(config.CodeSha256 as string, req.baseUrl) },
      ...(Object.keys(record.tags).length > 0 && { Tags: { ...record.tags } }),
    },
  };
}

/** GetFunctionConfiguration. */
export function getFunctionConfiguration(ctx: SandboxContext, req: ApiRequest): ApiResponse {
  const ref = parseFunctionName(req.params.name!);
  const record = requireFunction(ctx, req.region, ref.name);
  const qualifier = req.query.get('Qualifier') ?? ref.qualifier;
  const version = resolveQualifier(ctx, record, qualifier);
  return { status: 200, body: renderConfig(ctx, record, version, qualifier !== undefined) };
}

/** ListFunctions: 50 a page at most, Marker/NextMarker, FunctionVersion=ALL adds published versions. */
export function listFunctions(ctx: SandboxContext, req: ApiRequest): ApiResponse {
  const all = req.query.get('FunctionVersion') === 'ALL';
  const fv = req.query.get('FunctionVersion');
  if (fv !== null && fv !== 'ALL') {
    throw validation('functionVersion', fv, 'Member must satisfy enum value set: [ALL]');
  }
  const limit = pageSize(req.query);
  const after = marker.decode(req.query.get('Marker'));
  const names = ctx.store.names(req.region);
  // Keys sort by name, then $LATEST before numbered versions; a marker is the last key served.
  const key = (name: string, v: string) => `${name}\u0000${v === '$LATEST' ? '' : v.padStart(10, '0')}`;
  let start = 0;
  if (after !== undefined) {
    const afterName = after.split('\u0000')[0]!;
    let lo = 0;
    let hi = names.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (names[mid]! < afterName) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const out: Record<string, unknown>[] = [];
  let last: string | undefined;
  outer: for (let i = start; i < names.length; i++) {
    const record = ctx.store.get(req.region, names[i]!)!;
    const versions = all ? ['$LATEST', ...record.versions.map((v) => v.version)] : ['$LATEST'];
    for (const v of versions) {
      const k = key(record.name, v);
      if (after !== undefined && k <= after) continue;
      if (out.length === limit) break outer;
      out.push(renderConfig(ctx, record, v, all, true));
      last = k;
    }
  }
  const more = last !== undefined && out.length === limit && hasMoreAfter(ctx, req.region, names, last, all);
  return {
    status: 200,
    body: { Functions: out, ...(more && last !== undefined && { NextMarker: marker.encode(last) }) },
  };
}

function hasMoreAfter(
  ctx: SandboxContext,
  region: string,
  names: readonly string[],
  last: string,
  all: boolean,
): boolean {
  const [name, v] = last.split('\u0000') as [string, string];
  const record = ctx.store.get(region, name);
  if (all && record) {
    const lastVersion = record.versions.at(-1)?.version;
    if (lastVersion !== undefined && (v === '' || Number(v) < Number(lastVersion))) return true;
  }
  return names[names.length - 1] !== name;
}

/** UpdateFunctionCode: new zip, optionally a new architecture, RevisionId guard, DryRun, Publish. */
export async function updateFunctionCode(ctx: SandboxContext, req: ApiRequest): Promise<ApiResponse> {
  const ref = parseFunctionName(req.params.name!);
  const record = requireFunction(ctx, req.region, ref.name);
  const b = req.body;
  const architectures = architecturesField(b.Architectures) ?? record.latest.architectures;
  const zip = await checkZip(b.ZipFile, 'UpdateFunctionCode');
  checkRevision(b.RevisionId, latestRevision(record, ctx.now()));
  assertUpdatable(ctx, record);
  const runtime = record.latest.runtime;
  if (runtime && ctx.lifecycle.updateBlocked(runtime, ctx.today())) throw runtimeBlocked(runtime);
  checkRuntimeArchitecture(ctx, runtime, architectures[0]!);
  if (b.DryRun === true) {
    const sha = createHash('sha256').update(zip).digest('base64');
    const body = renderConfig(ctx, record, '$LATEST', false);
    return {
      status: 200,
      body: { ...body, CodeSha256: sha, CodeSize: zip.length, Architectures: architectures },
    };
  }
  const code = await ctx.store.putCode(zip);
  const updated = applyLatestChange(ctx, record, { code, architectures });
  return finishUpdate(ctx, updated, b.Publish === true);
}

/** UpdateFunctionConfiguration: Runtime, Handler, MemorySize, Timeout, Environment, Description, Role. */
export async function updateFunctionConfiguration(
  ctx: SandboxContext,
  req: ApiRequest,
): Promise<ApiResponse> {
  const ref = parseFunctionName(req.params.name!);
  const record = requireFunction(ctx, req.region, ref.name);
  const b = req.body;
  const runtime = runtimeField(ctx, b.Runtime);
  const handler = handlerField(b.Handler);
  const role = roleField(b.Role);
  const memorySize = intField(b.MemorySize, 'memorySize', 128, 10240);
  const timeout = intField(b.Timeout, 'timeout', 1, 900);
  const description = stringField(b.Description, 'description', 256);
  const environment = environmentField(b.Environment);
  const ephemeral = intField(
    (b.EphemeralStorage as { Size?: unknown } | undefined)?.Size,
    'ephemeralStorage.size',
    512,
    10240,
  );
  checkRevision(b.RevisionId, latestRevision(record, ctx.now()));
  assertUpdatable(ctx, record);
  if (runtime !== undefined) {
    if (ctx.lifecycle.updateBlocked(runtime, ctx.today())) throw runtimeBlocked(runtime);
    checkRuntimeArchitecture(ctx, runtime, record.latest.architectures[0]!);
  }
  const updated = applyLatestChange(ctx, record, {
    ...(runtime !== undefined && { runtime }),
    ...(handler !== undefined && { handler }),
    ...(role !== undefined && { role }),
    ...(memorySize !== undefined && { memorySize }),
    ...(timeout !== undefined && { timeout }),
    ...(description !== undefined && { description }),
    ...(b.Environment !== undefined && { environment }),
    ...(ephemeral !== undefined && { ephemeralStorage: ephemeral }),
  });
  return finishUpdate(ctx, updated, false);
}

function applyLatestChange(
  ctx: SandboxContext,
  record: FunctionRecord,
  change: Partial<FunctionConfig>,
): FunctionRecord {
  const now = ctx.now();
  return {
    ...record,
    previous: record.latest,
    latest: { ...record.latest, ...change, lastModified: lambdaTimestamp(now), revisionId: randomUUID() },
    updateReadyAt: now + ctx.updateDelayMs,
    generation: record.generation + 1,
  };
}

async function finishUpdate(
  ctx: SandboxContext,
  record: FunctionRecord,
  publish: boolean,
): Promise<ApiResponse> {
  let version = '$LATEST';
  if (publish) {
    const published = publishLatest(ctx, record, '');
    record = published.record;
    version = published.version;
  }
  await ctx.store.save(record);
  return { status: 200, body: renderConfig(ctx, record, version, false) };
}

/** DeleteFunction: the whole function, or one published version with Qualifier. */
export async function deleteFunction(ctx: SandboxContext, req: ApiRequest): Promise<ApiResponse> {
  const ref = parseFunctionName(req.params.name!);
  const record = requireFunction(ctx, req.region, ref.name);
  const qualifier = req.query.get('Qualifier') ?? ref.qualifier;
  if (qualifier === undefined) {
    await ctx.store.remove(req.region, record.name);
    return { status: 204 };
  }
  if (qualifier === '$LATEST') {
    throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
  }
  const version: VersionRecord | undefined = record.versions.find((v) => v.version === qualifier);
  if (!version) {
    if (record.aliases.some((a) => a.name === qualifier)) {
      throw invalidParameter('Deletion of aliases is not supported by DeleteFunction; use DeleteAlias.');
    }
    resolveQualifier(ctx, record, qualifier);
  }
  const users = record.aliases.filter(
    (a) => a.functionVersion === qualifier || Object.keys(a.weights).includes(qualifier),
  );
  if (users.length > 0) {
    throw conflict(
      `Unable to delete version because the following aliases reference it: [${users.map((a) => a.name).join(', ')}]`,
    );
  }
  await ctx.store.save({ ...record, versions: record.versions.filter((v) => v.version !== qualifier) });
  return { status: 204 };
}
