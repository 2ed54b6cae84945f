import type { ApiRequest, ApiResponse, SandboxContext } from './context.js';
import type { QuotaClass } from './throttle.js';
import { createAlias, deleteAlias, getAlias, listAliases, updateAlias } from './aliases.js';
import {
  createFunction,
  deleteFunction,
  getFunction,
  getFunctionConfiguration,
  importFunction,
  listFunctions,
  updateFunctionCode,
  updateFunctionConfiguration,
} from './functions.js';
import { getAccountSettings, listTags, tagResource, untagResource } from './tags.js';
import { listVersionsByFunction, publishVersion } from './versions.js';

export type Operation = (ctx: SandboxContext, req: ApiRequest) => Promise<ApiResponse> | ApiResponse;

/** One operation of the Lambda REST-JSON API. */
export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  /** Names of the capture groups of `pattern`, in order. */
  readonly params: readonly string[];
  readonly name: string;
  readonly quota: QuotaClass;
  readonly run: Operation;
  /** Run one at a time per function (every control-plane call); Invoke runs concurrently. */
  readonly serialize: boolean;
}

const FN = '([^/]+)';
export const route = (
  method: string,
  path: string,
  params: string[],
  name: string,
  run: Operation,
  quota: QuotaClass = 'control',
  serialize = true,
): Route => ({ method, pattern: new RegExp(`^${path}/?$`), params, name, quota, run, serialize });

/** Every operation the sandbox serves. Invoke is registered by the executor. */
export const ROUTES: Route[] = [
  route('POST', '/2015-03-31/functions', [], 'CreateFunction', createFunction),
  route('GET', '/2015-03-31/functions', [], 'ListFunctions', listFunctions),
  route('GET', `/2015-03-31/functions/${FN}`, ['name'], 'GetFunction', getFunction, 'get-function'),
  route('DELETE', `/2015-03-31/functions/${FN}`, ['name'], 'DeleteFunction', deleteFunction),
  route(
    'GET',
    `/2015-03-31/functions/${FN}/configuration`,
    ['name'],
    'GetFunctionConfiguration',
    getFunctionConfiguration,
  ),
  route(
    'PUT',
    `/2015-03-31/functions/${FN}/configuration`,
    ['name'],
    'UpdateFunctionConfiguration',
    updateFunctionConfiguration,
  ),
  route('PUT', `/2015-03-31/functions/${FN}/code`, ['name'], 'UpdateFunctionCode', updateFunctionCode),
  route('POST', `/2015-03-31/functions/${FN}/versions`, ['name'], 'PublishVersion', publishVersion),
  route(
    'GET',
    `/2015-03-31/functions/${FN}/versions`,
    ['name'],
    'ListVersionsByFunction',
    listVersionsByFunction,
  ),
  route('POST', `/2015-03-31/functions/${FN}/aliases`, ['name'], 'CreateAlias', createAlias),
  route('GET', `/2015-03-31/functions/${FN}/aliases`, ['name'], 'ListAliases', listAliases),
  route('GET', `/2015-03-31/functions/${FN}/aliases/${FN}`, ['name', 'alias'], 'GetAlias', getAlias),
  route('PUT', `/2015-03-31/functions/${FN}/aliases/${FN}`, ['name', 'alias'], 'UpdateAlias', updateAlias),
  route('DELETE', `/2015-03-31/functions/${FN}/aliases/${FN}`, ['name', 'alias'], 'DeleteAlias', deleteAlias),
  route('GET', '/2017-03-31/tags/(.+)', ['arn'], 'ListTags', listTags),
  route('POST', '/2017-03-31/tags/(.+)', ['arn'], 'TagResource', tagResource),
  route('DELETE', '/2017-03-31/tags/(.+)', ['arn'], 'UntagResource', untagResource),
  route('GET', '/2016-08-19/account-settings', [], 'GetAccountSettings', getAccountSettings),
  // The sandbox's own: CreateFunction without the runtime's block-create rule (seeding, tests, benchmarks).
  route('POST', '/_sandbox/import', [], 'ImportFunction', importFunction, 'none'),
];

/** Finds the route for a request; `params` are URL-decoded. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    r.params.forEach((p, i) => (params[p] = decodeURIComponent(m[i + 1]!)));
    return { route: r, params };
  }
  return undefined;
}
