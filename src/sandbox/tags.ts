import type { ApiRequest, ApiResponse, SandboxContext } from './context.js';
import type { FunctionRecord } from './model.js';
import { invalidParameter, validation } from './api-error.js';
import { requireFunction } from './lookup.js';

const FUNCTION_ARN = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9-_]+)(:.+)?$/;

/** Validates a Tags map. */
export function tagsField(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw validation('tags', value, 'Member must be a map');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k.length < 1 || k.length > 128)
      throw validation('tags', k, 'Member must have length between 1 and 128');
    out[k] = String(v);
  }
  return out;
}

function taggedFunction(ctx: SandboxContext, req: ApiRequest): FunctionRecord {
  const arn = req.params.arn!;
  const m = FUNCTION_ARN.exec(arn);
  if (!m)
    throw validation(
      'resource',
      arn,
      'Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:[a-z0-9-]+:\\d{12}:function:[a-zA-Z0-9-_]+',
    );
  if (m[4])
    throw invalidParameter('Tags are not supported on a qualified function ARN; tag the unqualified ARN.');
  return requireFunction(ctx, m[1]!, m[3]!);
}

/** ListTags. */
export function listTags(ctx: SandboxContext, req: ApiRequest): ApiResponse {
  return { status: 200, body: { Tags: { ...taggedFunction(ctx, req).tags } } };
}

/** TagResource: adds or replaces tags. */
export async function tagResource(ctx: SandboxContext, req: ApiRequest): Promise<ApiResponse> {
  const record = taggedFunction(ctx, req);
  const tags = tagsField(req.body.Tags) ?? {};
  const merged = { ...record.tags, ...tags };
  if (Object.keys(merged).length > 50) throw invalidParameter('A function can have at most 50 tags.');
  await ctx.store.save({ ...record, tags: merged });
  return { status: 204 };
}

/** UntagResource: removes the keys given as repeated `tagKeys` query parameters. */
export async function untagResource(ctx: SandboxContext, req: ApiRequest): Promise<ApiResponse> {
  const record = taggedFunction(ctx, req);
  const keys = new Set(req.query.getAll('tagKeys'));
  const tags = Object.fromEntries(Object.entries(record.tags).filter(([k]) => !keys.has(k)));
  await ctx.store.save({ ...record, tags });
  return { status: 204 };
}

/** GetAccountSettings: Lambda's default limits and this region's usage. */
export function getAccountSettings(ctx: SandboxContext, req: ApiRequest): ApiResponse {
  let total = 0;
  const names = ctx.store.names(req.region);
  for (const name of names) {
    const r = ctx.store.get(req.region, name)!;
    total += r.latest.code.size + r.versions.reduce((s, v) => s + v.config.code.size, 0);
  }
  return {
    status: 200,
    body: {
      AccountLimit: {
        TotalCodeSize: 80_530_636_800,
        CodeSizeUnzipped: 262_144_000,
        CodeSizeZipped: 52_428_800,
        ConcurrentExecutions: 1000,
        UnreservedConcurrentExecutions: 1000,
      },
      AccountUsage: { TotalCodeSize: total, FunctionCount: names.length },
    },
  };
}
