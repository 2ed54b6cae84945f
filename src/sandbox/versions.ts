import type { ApiRequest, ApiResponse, SandboxContext } from './context.js';
import { latestRevision, type FunctionConfig, type FunctionRecord } from './model.js';
import { invalidParameter } from './api-error.js';
import { parseFunctionName } from './arn.js';
import { marker, pageSize, requireFunction } from './lookup.js';
import { renderConfig } from './render.js';
import { assertUpdatable, checkRevision, stringField } from './validate.js';

function sameContent(a: FunctionConfig, b: FunctionConfig): boolean {
  const strip = ({ lastModified: _l, revisionId: _r, ...rest }: FunctionConfig) => JSON.stringify(rest);
  return strip(a) === strip(b);
}

/**
 * Publishes $LATEST as the next version, unless it equals the newest published version, in which case
 * that version is returned (Lambda publishes nothing when nothing changed).
 */
export function publishLatest(
  ctx: SandboxContext,
  record: FunctionRecord,
  description: string,
): { record: FunctionRecord; version: string } {
  const newest = record.versions.at(-1);
  if (newest && sameContent(newest.config, record.latest)) return { record, version: newest.version };
  const version = String(record.nextVersion);
  return {
    version,
    record: {
      ...record,
      nextVersion: record.nextVersion + 1,
      versions: [
        ...record.versions,
        {
          version,
          config: { ...record.latest },
          description: description || record.latest.description,
          readyAt: Math.max(ctx.now() + ctx.updateDelayMs, record.createdReadyAt),
        },
      ],
    },
  };
}

/** PublishVersion with its CodeSha256 and RevisionId guards. */
export async function publishVersion(ctx: SandboxContext, req: ApiRequest): Promise<ApiResponse> {
  const ref = parseFunctionName(req.params.name!);
  const record = requireFunction(ctx, req.region, ref.name);
  const b = req.body;
  const description = stringField(b.Description, 'description', 256) ?? '';
  checkRevision(b.RevisionId, latestRevision(record, ctx.now()));
  if (b.CodeSha256 !== undefined && b.CodeSha256 !== record.latest.code.sha256) {
    throw invalidParameter(
      `CodeSHA256 (${b.CodeSha256 as string}) is different from current CodeSHA256 in $LATEST (${record.latest.code.sha256}). Please try again.`,
    );
  }
  assertUpdatable(ctx, record);
  const published = publishLatest(ctx, record, description);
  if (published.record !== record) await ctx.store.save(published.record);
  return { status: 201, body: renderConfig(ctx, published.record, published.version, true) };
}

/** ListVersionsByFunction: $LATEST, then published versions in order, 50 a page at most. */
export function listVersionsByFunction(ctx: SandboxContext, req: ApiRequest): ApiResponse {
  const ref = parseFunctionName(req.params.name!);
  const record = requireFunction(ctx, req.region, ref.name);
  const all = ['$LATEST', ...record.versions.map((v) => v.version)];
  const after = marker.decode(req.query.get('Marker'));
  const start = after === undefined ? 0 : all.indexOf(after) + 1;
  const limit = pageSize(req.query);
  const page = all.slice(start, start + limit);
  const more = start + limit < all.length;
  return {
    status: 200,
    body: {
      Versions: page.map((v) => renderConfig(ctx, record, v, true)),
      ...(more && { NextMarker: marker.encode(page.at(-1)!) }),
    },
  };
}
