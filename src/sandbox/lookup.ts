import type { SandboxContext } from './context.js';
import type { FunctionRecord } from './model.js';
import { notFound } from './api-error.js';
import { functionArn } from './arn.js';

/** The function, or ResourceNotFoundException worded as Lambda words it. */
export function requireFunction(ctx: SandboxContext, region: string, name: string): FunctionRecord {
  const record = ctx.store.get(region, name);
  if (!record) throw notFound(`Function not found: ${functionArn(region, ctx.accountId, name)}`);
  return record;
}

/** The version a qualifier names: $LATEST, a published version, or an alias's primary version. */
export function resolveQualifier(
  ctx: SandboxContext,
  record: FunctionRecord,
  qualifier: string | undefined,
): string {
  if (qualifier === undefined || qualifier === '$LATEST') return '$LATEST';
  if (/^\d+$/.test(qualifier)) {
    if (record.versions.some((v) => v.version === qualifier)) return qualifier;
  } else {
    const alias = record.aliases.find((a) => a.name === qualifier);
    if (alias) return alias.functionVersion;
  }
  throw notFound(`Function not found: ${functionArn(record.region, ctx.accountId, record.name, qualifier)}`);
}

/** Lambda's page size rule: MaxItems 1..50 (larger values are served as 50). */
export function pageSize(query: URLSearchParams): number {
  const raw = query.get('MaxItems');
  const n = raw === null ? 50 : Number(raw);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 50) : 50;
}

/** Opaque pagination markers: base64url of the last key served. */
export const marker = {
  encode: (key: string) => Buffer.from(key, 'utf8').toString('base64url'),
  decode: (raw: string | null) => (raw ? Buffer.from(raw, 'base64url').toString('utf8') : undefined),
};
