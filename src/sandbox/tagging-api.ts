import { functionArn } from './arn.js';
import type { SandboxStore } from './store.js';

/** The target prefix of the Resource Groups Tagging API (JSON 1.1: POST / with X-Amz-Target). */
export const TAGGING_TARGET_PREFIX = 'ResourceGroupsTaggingAPI_20170126.';

/** An answer of the JSON 1.1 protocol: status and body (errors carry `__type` and `Message`). */
export interface TaggingAnswer {
  readonly status: number;
  readonly operation: string;
  readonly body: Record<string, unknown>;
}

const FUNCTION_ARN = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9-_]+)$/;
const MAX_ARNS = 100;
const MAX_PER_PAGE = 100;

const invalid = (operation: string, message: string): TaggingAnswer => ({
  status: 400,
  operation,
  body: { __type: 'InvalidParameterException', Message: message },
});

interface TagFilter {
  readonly Key: string;
  readonly Values?: readonly string[];
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** True when the filters (AND between keys, OR between values) keep a resource with `tags`. */
function matches(tags: Readonly<Record<string, string>>, filters: readonly TagFilter[]): boolean {
  return filters.every(
    (f) => f.Key in tags && (!f.Values || f.Values.length === 0 || f.Values.includes(tags[f.Key]!)),
  );
}

/** `lambda` and `lambda:function` select functions; any other service's type selects nothing here. */
function selectsFunctions(types: readonly string[] | undefined): boolean {
  return !types || types.length === 0 || types.some((t) => t === 'lambda' || t === 'lambda:function');
}

/**
 * GetResources of the Resource Groups Tagging API, for the sandbox's functions: either up to 100 ARNs
 * (`ResourceARNList`, no filters and no paging alongside), or every tagged function of the region, filtered
 * by resource type and tags, in pages. As on AWS, a function without tags is not listed, and an ARN that
 * names nothing is left out without an error.
 */
export function getResources(
  store: SandboxStore,
  region: string,
  accountId: string,
  input: Record<string, unknown>,
): TaggingAnswer {
  const op = 'GetResources';
  const { ResourceARNList, ResourceTypeFilters, TagFilters, ResourcesPerPage, PaginationToken } = input;
  const mapping = (name: string) => {
    const tags = store.get(region, name)?.tags ?? {};
    if (Object.keys(tags).length === 0) return undefined;
    return {
      ResourceARN: functionArn(region, accountId, name),
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    };
  };
  if (ResourceARNList !== undefined) {
    if (!isStringList(ResourceARNList) || ResourceARNList.length < 1 || ResourceARNList.length > MAX_ARNS)
      return invalid(op, `ResourceARNList must hold 1 to ${MAX_ARNS} ARNs.`);
    if (ResourceTypeFilters !== undefined || TagFilters !== undefined)
      return invalid(op, 'ResourceARNList cannot be combined with ResourceTypeFilters or TagFilters.');
    if (ResourcesPerPage !== undefined || input.TagsPerPage !== undefined || PaginationToken !== undefined)
      return invalid(op, 'ResourceARNList cannot be combined with pagination parameters.');
    const list = [];
    for (const arn of new Set(ResourceARNList)) {
      const m = FUNCTION_ARN.exec(arn);
      if (!m || m[1] !== region || m[2] !== accountId) continue;
      const found = mapping(m[3]!);
      if (found) list.push(found);
    }
    return { status: 200, operation: op, body: { PaginationToken: '', ResourceTagMappingList: list } };
  }
  if (ResourceTypeFilters !== undefined && !isStringList(ResourceTypeFilters))
    return invalid(op, 'ResourceTypeFilters must be a list of strings.');
  const filters = (TagFilters ?? []) as TagFilter[];
  if (!Array.isArray(filters) || filters.some((f) => typeof f?.Key !== 'string'))
    return invalid(op, 'TagFilters must be a list of {Key, Values}.');
  const perPage = ResourcesPerPage ?? MAX_PER_PAGE;
  if (typeof perPage !== 'number' || !Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE)
    return invalid(op, `ResourcesPerPage must be between 1 and ${MAX_PER_PAGE}.`);
  if (PaginationToken !== undefined && typeof PaginationToken !== 'string')
    return invalid(op, 'The PaginationToken is not valid.');
  const start = PaginationToken ? Number(Buffer.from(PaginationToken, 'base64url').toString()) : 0;
  if (!Number.isInteger(start) || start < 0) return invalid(op, 'The PaginationToken is not valid.');
  const all = selectsFunctions(ResourceTypeFilters)
    ? store
        .names(region)
        .filter((name) => matches(store.get(region, name)?.tags ?? {}, filters))
        .map(mapping)
        .filter((m) => m !== undefined)
    : [];
  const page = all.slice(start, start + perPage);
  const next = start + perPage < all.length ? Buffer.from(String(start + perPage)).toString('base64url') : '';
  return { status: 200, operation: op, body: { PaginationToken: next, ResourceTagMappingList: page } };
}

/** One JSON 1.1 request of the Tagging API: GetResources, or UnknownOperationException. */
export function answerTagging(
  target: string,
  store: SandboxStore,
  region: string,
  accountId: string,
  raw: Buffer,
): TaggingAnswer {
  const operation = target.slice(TAGGING_TARGET_PREFIX.length);
  let input: unknown;
  try {
    input = raw.length ? JSON.parse(raw.toString('utf8')) : {};
  } catch {
    return { status: 400, operation, body: { __type: 'SerializationException', Message: 'Invalid JSON' } };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return {
      status: 400,
      operation,
      body: { __type: 'SerializationException', Message: 'Expected an object' },
    };
  if (operation !== 'GetResources') {
    return {
      status: 400,
      operation,
      body: { __type: 'UnknownOperationException', Message: `The sandbox does not serve ${operation}.` },
    };
  }
  return getResources(store, region, accountId, input as Record<string, unknown>);
}
