import { randomUUID } from 'node:crypto';
import type { ApiRequest, ApiResponse, SandboxContext } from './context.js';
import type { AliasRecord, FunctionRecord } from './model.js';
import { conflict, invalidParameter, notFound, validation } from './api-error.js';
import { functionArn, parseFunctionName } from './arn.js';
import { marker, pageSize, requireFunction } from './lookup.js';
import { renderAlias } from './render.js';
import { checkRevision, stringField } from './validate.js';

const ALIAS = /^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/;

function requireAlias(ctx: SandboxContext, record: FunctionRecord, name: string): AliasRecord {
  const alias = record.aliases.find((a) => a.name === name);
  if (!alias) {
    throw notFound(`Cannot find alias arn: ${functionArn(record.region, ctx.accountId, record.name, name)}`);
  }
  return alias;
}

function checkVersion(ctx: SandboxContext, record: FunctionRecord, version: string): void {
  if (version !== '$LATEST' && !record.versions.some((v) => v.version === version)) {
    throw notFound(`Function not found: ${functionArn(record.region, ctx.accountId, record.name, version)}`);
  }
}

function weightsField(
  ctx: SandboxContext,
  record: FunctionRecord,
  primary: string,
  value: unknown,
): Record<string, number> {
  const weights = (value as { AdditionalVersionWeights?: unknown } | undefined)?.AdditionalVersionWeights;
  if (weights === undefined || weights === null) return {};
  if (typeof weights !== 'object') throw validation('routingConfig', weights, 'Member must be a map');
  const entries = Object.entries(weights as Record<string, unknown>);
  if (entries.length > 1)
    throw invalidParameter('Number of items in AdditionalVersionWeights cannot be greater than 1');
  const out: Record<string, number> = {};
  for (const [version, weight] of entries) {
    if (typeof weight !== 'number' || weight < 0 || weight > 1) {
      throw validation(
        'routingConfig.additionalVersionWeights',
        weight,
        'Member must have value between 0.0 and 1.0',
      );
    }
    if (!/^\d+$/.test(version)) {
      throw invalidParameter(
        `Invalid function version ${version}. Function version ${version} is not a published version.`,
      );
    }
    if (primary === '$LATEST') {
      throw invalidParameter('$LATEST is not supported for an alias pointing to more than 1 version');
    }
    if (version === primary) {
      throw invalidParameter(
        'Cannot set the same version in both FunctionVersion and AdditionalVersionWeights',
      );
    }
    checkVersion(ctx, record, version);
    out[version] = weight;
  }
  return out;
}

/** CreateAlias with optional weighted routing to one additional published version. */
export async function createAlias(ctx: SandboxContext, req: ApiRequest): Promise<ApiResponse> {
  const record = requireFunction(ctx, req.region, parseFunctionName(req.params.name!).name);
  const b = req.body;
  const name = stringField(b.Name, 'name', 128, ALIAS);
  const version = stringField(b.FunctionVersion, 'functionVersion', 1024, /^(\$LATEST|[0-9]+)$/);
  if (!name) throw validation('name', b.Name, 'Member must not be null');
  if (!version) throw validation('functionVersion', b.FunctionVersion, 'Member must not be null');
  checkVersion(ctx, record, version);
  if (record.aliases.some((a) => a.name === name)) {
    throw conflict(`Alias already exists: ${functionArn(record.region, ctx.accountId, record.name, name)}`);
  }
  const alias: AliasRecord = {
    name,
    functionVersion: version,
    description: stringField(b.Description, 'description', 256) ?? '',
    weights: weightsField(ctx, record, version, b.RoutingConfig),
    revisionId: randomUUID(),
  };
  const updated = { ...record, aliases: [...record.aliases, alias] };
  await ctx.store.save(updated);
  return { status: 201, body: renderAlias(ctx, updated, alias) };
}

/** GetAlias. */
export function getAlias(ctx: SandboxContext, req: ApiRequest): ApiResponse {
  const record = requireFunction(ctx, req.region, parseFunctionName(req.params.name!).name);
  return { status: 200, body: renderAlias(ctx, record, requireAlias(ctx, record, req.params.alias!)) };
}

/** UpdateAlias: version, description, routing; RevisionId guard. */
export async function updateAlias(ctx: SandboxContext, req: ApiRequest): Promise<ApiResponse> {
  const record = requireFunction(ctx, req.region, parseFunctionName(req.params.name!).name);
  const current = requireAlias(ctx, record, req.params.alias!);
  const b = req.body;
  checkRevision(b.RevisionId, current.revisionId, 'GetAlias');
  const version =
    stringField(b.FunctionVersion, 'functionVersion', 1024, /^(\$LATEST|[0-9]+)$/) ?? current.functionVersion;
  checkVersion(ctx, record, version);
  const alias: AliasRecord = {
    ...current,
    functionVersion: version,
    description: stringField(b.Description, 'description', 256) ?? current.description,
    weights:
      b.RoutingConfig !== undefined ? weightsField(ctx, record, version, b.RoutingConfig) : current.weights,
    revisionId: randomUUID(),
  };
  if (b.RoutingConfig === undefined)
    weightsField(ctx, record, version, { AdditionalVersionWeights: alias.weights });
  const updated = { ...record, aliases: record.aliases.map((a) => (a.name === alias.name ? alias : a)) };
  await ctx.store.save(updated);
  return { status: 200, body: renderAlias(ctx, updated, alias) };
}

/** DeleteAlias. */
export async function deleteAlias(ctx: SandboxContext, req: ApiRequest): Promise<ApiResponse> {
  // Deleting what is not there succeeds (the model lists no ResourceNotFoundException for DeleteAlias).
  const record = ctx.store.get(req.region, parseFunctionName(req.params.name!).name);
  const name = req.params.alias!;
  if (record?.aliases.some((a) => a.name === name)) {
    await ctx.store.save({ ...record, aliases: record.aliases.filter((a) => a.name !== name) });
  }
  return { status: 204 };
}

/** ListAliases, optionally only those pointing at FunctionVersion. */
export function listAliases(ctx: SandboxContext, req: ApiRequest): ApiResponse {
  const record = requireFunction(ctx, req.region, parseFunctionName(req.params.name!).name);
  const fv = req.query.get('FunctionVersion');
  const all = [...record.aliases]
    .filter((a) => fv === null || a.functionVersion === fv || Object.keys(a.weights).includes(fv))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const after = marker.decode(req.query.get('Marker'));
  const rest = after === undefined ? all : all.filter((a) => a.name > after);
  const limit = pageSize(req.query);
  const page = rest.slice(0, limit);
  return {
    status: 200,
    body: {
      Aliases: page.map((a) => renderAlias(ctx, record, a)),
      ...(rest.length > limit && { NextMarker: marker.encode(page.at(-1)!.name) }),
    },
  };
}
