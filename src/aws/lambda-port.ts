import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  UpdateAliasCommand,
  InvokeCommand,
  LambdaClient,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  paginateListAliases,
  ListFunctionsCommand,
  paginateListVersionsByFunction,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  type AliasConfiguration,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import type {
  AliasInfo,
  EndpointInfo,
  FunctionConfig,
  FunctionRef,
  FunctionWithCode,
  LambdaPort,
} from '../core/ports.js';
import {
  directReader,
  type DirectAnswer,
  isRawGetFunction,
  isRawListFunctions,
  resolvedEndpoint,
  type ResolvedEndpoint,
} from './direct-get.js';
import { AwsError, mapAwsError } from './errors.js';

// The SDK warns on Node 20 about its own future releases; the version this package pins supports Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** How to reach AWS: the standard credential chain with an optional profile, endpoint and retry policy. */
export interface AwsOptions {
  readonly profile?: string;
  /** Overrides the endpoint; otherwise AWS_ENDPOINT_URL_LAMBDA / AWS_ENDPOINT_URL apply, as in the SDK. */
  readonly endpointUrl?: string;
  readonly maxAttempts?: number;
  readonly retryMode?: 'standard' | 'adaptive';
  /** Region for calls that name none (the sandbox's default when --sandbox is used). */
  readonly fallbackRegion?: string;
  /** Waits for a turn under the region's quota before each call (see core/pacing). */
  readonly pace?: (region: string, kind: 'getFunction' | 'control' | 'none') => Promise<void>;
  /** Fixed credentials (the embedded sandbox accepts any); otherwise the standard provider chain. */
  readonly staticCredentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

const MAX_ZIP_DOWNLOAD = 300 * 1024 * 1024;

/** What the direct read path sends as its User-Agent. */
const USER_AGENT = 'go-lambda-migrate';

function toConfig(c: FunctionConfiguration, region: string): FunctionConfig {
  return {
    name: c.FunctionName ?? '',
    arn: c.FunctionArn ?? '',
    region,
    version: c.Version ?? '$LATEST',
    runtime: c.Runtime,
    handler: c.Handler,
    architectures: c.Architectures ?? ['x86_64'],
    memorySize: c.MemorySize ?? 128,
    timeout: c.Timeout ?? 3,
    codeSha256: c.CodeSha256 ?? '',
    codeSize: c.CodeSize ?? 0,
    revisionId: c.RevisionId ?? '',
    lastModified: c.LastModified ?? '',
    description: c.Description ?? '',
    state: c.State,
    lastUpdateStatus: c.LastUpdateStatus,
  };
}

function toAlias(a: AliasConfiguration): AliasInfo {
  return {
    name: a.Name ?? '',
    functionVersion: a.FunctionVersion ?? '',
    weights: a.RoutingConfig?.AdditionalVersionWeights ?? {},
    ...(a.RevisionId && { revisionId: a.RevisionId }),
  };
}

/**
 * The SDK's clients, one per region, each pacing every attempt to the region's quota and noting where the
 * SDK resolved the region's endpoint (for the direct read path).
 */
function sdkClients(
  options: AwsOptions,
  endpoints: Map<string, ResolvedEndpoint>,
): (region: string) => LambdaClient {
  const clients = new Map<string, LambdaClient>();
  return (region) => {
    let c = clients.get(region);
    if (!c) {
      c = new LambdaClient({
        region,
        maxAttempts: options.maxAttempts ?? 8,
        retryMode: options.retryMode ?? 'standard',
        cacheMiddleware: true,
        ...(options.profile && { profile: options.profile }),
        ...(options.endpointUrl && { endpoint: options.endpointUrl }),
        ...(options.staticCredentials && { credentials: options.staticCredentials }),
      });
      const pace = options.pace;
      c.middlewareStack.add(
        (next, context) => async (args) => {
          // Where the SDK resolved this region's endpoint to, for the direct read path.
          const url = (context as { endpointV2?: { url?: URL } }).endpointV2?.url;
          if (url && !endpoints.has(region)) endpoints.set(region, resolvedEndpoint(url));
          // Every attempt of every call (retries, pages and waiter polls included) waits for its quota.
          if (pace) {
            const command = context.commandName ?? '';
            await pace(
              region,
              command === 'GetFunctionCommand'
                ? 'getFunction'
                : command === 'InvokeCommand'
                  ? 'none'
                  : 'control',
            );
          }
          return next(args);
        },
        { step: 'finalizeRequest', priority: 'low', name: 'quotaPacing' },
      );
      clients.set(region, c);
    }
    return c;
  };
}

/** The options every client of a region shares: endpoint, profile, credentials and retries. */
export function clientOptions(options: AwsOptions, region: string) {
  return {
    region,
    maxAttempts: options.maxAttempts ?? 8,
    retryMode: options.retryMode ?? 'standard',
    ...(options.profile && { profile: options.profile }),
    ...(options.endpointUrl && { endpoint: options.endpointUrl }),
    ...(options.staticCredentials && { credentials: options.staticCredentials }),
  };
}

/** One client per region, made on first use. */
export function perRegion<C>(make: (region: string) => C): (region: string) => C {
  const clients = new Map<string, C>();
  return (region) => {
    let c = clients.get(region);
    if (!c) {
      c = make(region);
      clients.set(region, c);
    }
    return c;
  };
}

/** The Resource Groups Tagging API's clients, one per region, with the same endpoint, credentials and retries. */
function taggingClients(options: AwsOptions): (region: string) => ResourceGroupsTaggingAPIClient {
  return perRegion((region) => new ResourceGroupsTaggingAPIClient(clientOptions(options, region)));
}

/**
 * The direct read path (see direct-get.ts): `read` makes a read-only GET once the region's endpoint is known
 * (undefined when it is not yet, or the path is off); `sdkSucceededAfter` turns the path off for good when
 * the endpoint refused a read (400/401/403) that the SDK then made, since something it does not know (a
 * header, a signing rule) is needed.
 */
function directPath(
  options: AwsOptions,
  client: (region: string) => LambdaClient,
  endpoints: Map<string, ResolvedEndpoint>,
) {
  // An endpoint given outright is what the SDK's rules resolve to as well (Lambda's rule set returns it
  // unchanged); otherwise (AWS, or AWS_ENDPOINT_URL*) the first call of a region goes through the SDK.
  const givenEndpoint = options.endpointUrl ? resolvedEndpoint(new URL(options.endpointUrl)) : undefined;
  const readers = new Map<string, ReturnType<typeof directReader>>();
  let off = false;
  return {
    async read(
      region: string,
      kind: 'getFunction' | 'control',
      path: string,
      query: Record<string, string>,
    ): Promise<DirectAnswer | undefined> {
      const endpoint = endpoints.get(region) ?? givenEndpoint;
      if (!endpoint || off) return undefined;
      let read = readers.get(region);
      if (!read) {
        read = directReader(client(region), USER_AGENT);
        readers.set(region, read);
      }
      await options.pace?.(region, kind);
      return read(endpoint, path, query);
    },
    sdkSucceededAfter(answer: DirectAnswer | undefined): void {
      if (answer && 'status' in answer && [400, 401, 403].includes(answer.status ?? 0)) off = true;
    },
  };
}

/** What the groups of operations share: the region's clients, the direct read path, and error mapping. */
interface PortParts {
  readonly client: (region: string) => LambdaClient;
  readonly tagging: (region: string) => ResourceGroupsTaggingAPIClient;
  readonly direct: ReturnType<typeof directPath>;
  readonly options: AwsOptions;
}

const named = (ref: FunctionRef) => ({
  FunctionName: ref.name,
  ...(ref.qualifier && { Qualifier: ref.qualifier }),
});

export async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw mapAwsError(e, what);
  }
}

/** The reads a scan makes by the hundred: listing pages and GetFunction, on the direct path first. */
function hotReads({ client, direct }: PortParts): Pick<LambdaPort, 'listFunctionPages' | 'getFunction'> {
  const directRead: typeof direct.read = (...args) => direct.read(...args);
  const sdkSucceededAfter = (answer: DirectAnswer | undefined) => direct.sdkSucceededAfter(answer);
  return {
    async *listFunctionPages(region, opts = {}) {
      let marker: string | undefined;
      do {
        const query: Record<string, string> = {
          MaxItems: '50',
          ...(marker && { Marker: marker }),
          ...(opts.allVersions && { FunctionVersion: 'ALL' }),
        };
        const direct = await directRead(region, 'control', '/2015-03-31/functions/', query);
        let page: { Functions?: FunctionConfiguration[]; NextMarker?: string | null | undefined };
        if (direct && 'body' in direct && isRawListFunctions(direct.body)) page = direct.body;
        else {
          try {
            page = await client(region).send(
              new ListFunctionsCommand({
                MaxItems: 50,
                ...(marker && { Marker: marker }),
                ...(opts.allVersions && { FunctionVersion: 'ALL' }),
              }),
            );
          } catch (e) {
            throw mapAwsError(e, `ListFunctions in ${region}`);
          }
          sdkSucceededAfter(direct);
        }
        yield (page.Functions ?? []).map((f) => toConfig(f, region));
        marker = page.NextMarker ?? undefined;
      } while (marker);
    },
    async getFunction(ref: FunctionRef): Promise<FunctionWithCode> {
      const direct = await directRead(
        ref.region,
        'getFunction',
        `/2015-03-31/functions/${encodeURIComponent(ref.name)}`,
        ref.qualifier ? { Qualifier: ref.qualifier } : {},
      );
      if (direct && 'body' in direct && isRawGetFunction(direct.body)) {
        return {
          config: toConfig(direct.body.Configuration, ref.region),
          codeLocation: direct.body.Code?.Location ?? '',
          tags: direct.body.Tags ?? {},
        };
      }
      try {
        const out = await client(ref.region).send(
          new GetFunctionCommand({
            FunctionName: ref.name,
            ...(ref.qualifier && { Qualifier: ref.qualifier }),
          }),
        );
        sdkSucceededAfter(direct);
        return {
          config: toConfig(out.Configuration ?? {}, ref.region),
          codeLocation: out.Code?.Location ?? '',
          tags: out.Tags ?? {},
        };
      } catch (e) {
        throw mapAwsError(e, `GetFunction ${ref.name} in ${ref.region}`);
      }
    },
  };
}

/** Reading and changing one function: configuration, code, versions, invocations. */
function functionOps({
  client,
}: PortParts): Pick<
  LambdaPort,
  'getConfiguration' | 'updateCode' | 'updateConfiguration' | 'publishVersion' | 'waitUntilUpdated' | 'invoke'
> {
  return {
    getConfiguration: (ref) =>
      call(`GetFunctionConfiguration ${ref.name} in ${ref.region}`, async () =>
        toConfig(await client(ref.region).send(new GetFunctionConfigurationCommand(named(ref))), ref.region),
      ),
    updateCode: (ref, u) =>
      call(`UpdateFunctionCode ${ref.name} in ${ref.region}`, async () =>
        toConfig(
          await client(ref.region).send(
            new UpdateFunctionCodeCommand({
              FunctionName: ref.name,
              ZipFile: u.zip,
              ...(u.architecture && { Architectures: [u.architecture] }),
              ...(u.revisionId && { RevisionId: u.revisionId }),
              ...(u.publish && { Publish: true }),
            }),
          ),
          ref.region,
        ),
      ),
    updateConfiguration: (ref, u) =>
      call(`UpdateFunctionConfiguration ${ref.name} in ${ref.region}`, async () =>
        toConfig(
          await client(ref.region).send(
            new UpdateFunctionConfigurationCommand({
              FunctionName: ref.name,
              ...(u.runtime && { Runtime: u.runtime as never }),
              ...(u.handler && { Handler: u.handler }),
              ...(u.description !== undefined && { Description: u.description }),
              ...(u.memorySize !== undefined && { MemorySize: u.memorySize }),
              ...(u.revisionId && { RevisionId: u.revisionId }),
            }),
          ),
          ref.region,
        ),
      ),
    publishVersion: (ref, o) =>
      call(`PublishVersion ${ref.name} in ${ref.region}`, async () =>
        toConfig(
          await client(ref.region).send(
            new PublishVersionCommand({
              FunctionName: ref.name,
              ...(o.description && { Description: o.description }),
              ...(o.codeSha256 && { CodeSha256: o.codeSha256 }),
              ...(o.revisionId && { RevisionId: o.revisionId }),
            }),
          ),
          ref.region,
        ),
      ),
    waitUntilUpdated: (ref, maxWaitSeconds = 300) =>
      call(`waiting for ${ref.name} in ${ref.region} to finish updating`, async () => {
        await waitUntilFunctionUpdatedV2(
          { client: client(ref.region), maxWaitTime: maxWaitSeconds, minDelay: 0.5, maxDelay: 5 },
          named(ref),
        );
      }),
    invoke: (ref, payload) =>
      call(`Invoke ${ref.name} in ${ref.region}`, async () => {
        const out = await client(ref.region).send(
          new InvokeCommand({ ...named(ref), Payload: payload, LogType: 'Tail' }),
        );
        return {
          statusCode: out.StatusCode ?? 0,
          functionError: out.FunctionError,
          payload: Buffer.from(out.Payload ?? new Uint8Array()),
          log: Buffer.from(out.LogResult ?? '', 'base64').toString('utf8'),
          executedVersion: out.ExecutedVersion,
        };
      }),
  };
}

/** Aliases and versions. */
function aliasOps({
  client,
}: PortParts): Pick<LambdaPort, 'listAliases' | 'getAlias' | 'updateAlias' | 'listVersions'> {
  return {
    listAliases: (ref) =>
      call(`ListAliases ${ref.name} in ${ref.region}`, async () => {
        const out: AliasInfo[] = [];
        for await (const page of paginateListAliases(
          { client: client(ref.region) },
          { FunctionName: ref.name },
        )) {
          for (const a of page.Aliases ?? []) {
            out.push({
              name: a.Name ?? '',
              functionVersion: a.FunctionVersion ?? '',
              weights: a.RoutingConfig?.AdditionalVersionWeights ?? {},
            });
          }
        }
        return out;
      }),
    getAlias: (ref, name) =>
      call(`GetAlias ${name} of ${ref.name} in ${ref.region}`, async () =>
        toAlias(await client(ref.region).send(new GetAliasCommand({ FunctionName: ref.name, Name: name }))),
      ),
    updateAlias: (ref, name, u) =>
      call(`UpdateAlias ${name} of ${ref.name} in ${ref.region}`, async () =>
        toAlias(
          await client(ref.region).send(
            new UpdateAliasCommand({
              FunctionName: ref.name,
              Name: name,
              FunctionVersion: u.functionVersion,
              RoutingConfig: { AdditionalVersionWeights: { ...u.weights } },
              ...(u.revisionId && { RevisionId: u.revisionId }),
            }),
          ),
        ),
      ),
    listVersions: (ref) =>
      call(`ListVersionsByFunction ${ref.name} in ${ref.region}`, async () => {
        const out: string[] = [];
        for await (const page of paginateListVersionsByFunction(
          { client: client(ref.region) },
          { FunctionName: ref.name },
        )) {
          for (const v of page.Versions ?? []) if (v.Version && v.Version !== '$LATEST') out.push(v.Version);
        }
        return out;
      }),
  };
}

/** Tags (the Tagging API), the code download and the default region. */
function otherOps({
  tagging,
  options,
}: PortParts): Pick<LambdaPort, 'functionTags' | 'downloadCode' | 'defaultRegion'> {
  return {
    functionTags: (region, arns) =>
      call(`GetResources (the tags of ${arns.length} functions) in ${region}`, async () => {
        const out = new Map<string, Record<string, string>>();
        for (let i = 0; i < arns.length; i += 100) {
          const page = await tagging(region).send(
            new GetResourcesCommand({ ResourceARNList: arns.slice(i, i + 100) }),
          );
          for (const m of page.ResourceTagMappingList ?? []) {
            if (m.ResourceARN)
              out.set(
                m.ResourceARN,
                Object.fromEntries((m.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
              );
          }
        }
        return out;
      }),
    async downloadCode(location: string): Promise<Buffer> {
      let res: Response;
      try {
        res = await fetch(location);
      } catch (e) {
        throw new AwsError(
          'network',
          `cannot download the function's code: ${(e as Error).message}`,
          'Check the network and try again.',
        );
      }
      if (!res.ok) {
        throw new AwsError(
          res.status === 403 ? 'access-denied' : 'service',
          `downloading the function's code answered HTTP ${res.status}`,
          res.status === 403
            ? 'The code URL expires after 10 minutes: run the command again.'
            : 'Try again in a minute.',
        );
      }
      const size = Number(res.headers.get('content-length') ?? 0);
      if (size > MAX_ZIP_DOWNLOAD)
        throw new AwsError('invalid', `the function's code is ${size} bytes, more than a Lambda zip can be`);
      return Buffer.from(await res.arrayBuffer());
    },
    async defaultRegion(): Promise<string | undefined> {
      try {
        const probe = new LambdaClient({ ...(options.profile && { profile: options.profile }) });
        return await probe.config.region();
      } catch {
        return options.fallbackRegion;
      }
    },
  };
}

/** Creating and deleting a benchmark's temporary copies, and what a sandbox endpoint says of itself. */
function copyOps({
  client,
  options,
}: PortParts): Pick<LambdaPort, 'functionBlueprint' | 'createFunction' | 'deleteFunction' | 'endpointInfo'> {
  let info: Promise<EndpointInfo | undefined> | undefined;
  return {
    functionBlueprint: (ref) =>
      call(`GetFunctionConfiguration ${ref.name} in ${ref.region}`, async () => {
        const c = await client(ref.region).send(new GetFunctionConfigurationCommand(named(ref)));
        const vpc = c.VpcConfig;
        return {
          role: c.Role ?? '',
          memorySize: c.MemorySize ?? 128,
          timeout: c.Timeout ?? 3,
          environment: c.Environment?.Variables ?? {},
          layers: (c.Layers ?? []).map((l) => l.Arn ?? '').filter(Boolean),
          ...(vpc?.SubnetIds?.length && {
            vpc: { subnetIds: vpc.SubnetIds, securityGroupIds: vpc.SecurityGroupIds ?? [] },
          }),
          ...(c.EphemeralStorage?.Size && { ephemeralStorageMb: c.EphemeralStorage.Size }),
        };
      }),
    createFunction: (region, f) =>
      call(`CreateFunction ${f.name} in ${region}`, async () => {
        const b = f.blueprint;
        const out = await client(region).send(
          new CreateFunctionCommand({
            FunctionName: f.name,
            Role: b.role,
            Runtime: f.runtime as never,
            Handler: f.handler,
            Architectures: [f.architecture],
            Code: { ZipFile: f.zip },
            Description: f.description,
            MemorySize: b.memorySize,
            Timeout: b.timeout,
            Environment: { Variables: { ...b.environment } },
            ...(b.layers.length > 0 && { Layers: [...b.layers] }),
            ...(b.vpc && {
              VpcConfig: { SubnetIds: [...b.vpc.subnetIds], SecurityGroupIds: [...b.vpc.securityGroupIds] },
            }),
            ...(b.ephemeralStorageMb && { EphemeralStorage: { Size: b.ephemeralStorageMb } }),
            Tags: { ...f.tags },
          }),
        );
        await waitUntilFunctionActiveV2(
          { client: client(region), maxWaitTime: 300, minDelay: 0.5, maxDelay: 5 },
          { FunctionName: f.name },
        );
        return toConfig(out, region);
      }),
    deleteFunction: (ref) =>
      call(`DeleteFunction ${ref.name} in ${ref.region}`, async () => {
        try {
          await client(ref.region).send(new DeleteFunctionCommand({ FunctionName: ref.name }));
        } catch (e) {
          if ((e as { name?: string }).name !== 'ResourceNotFoundException') throw e;
        }
      }),
    endpointInfo: () => (info ??= sandboxInfo(options)),
  };
}

/** Asks the configured endpoint whether it is this tool's sandbox (GET /_sandbox/info); AWS never is. */
async function sandboxInfo(options: AwsOptions): Promise<EndpointInfo | undefined> {
  const endpoint = options.endpointUrl ?? process.env.AWS_ENDPOINT_URL_LAMBDA ?? process.env.AWS_ENDPOINT_URL;
  if (!endpoint) return undefined;
  try {
    const res = await fetch(new URL('/_sandbox/info', endpoint), { signal: AbortSignal.timeout(3000) });
    if (!res.ok) return undefined;
    const doc = (await res.json()) as Partial<EndpointInfo> & { service?: string };
    if (doc.service !== 'go-lambda-migrate-sandbox' || !doc.hostArchitecture) return undefined;
    return {
      sandbox: true,
      hostArchitecture: doc.hostArchitecture,
      emulatedArchitectures: doc.emulatedArchitectures ?? [],
    };
  } catch {
    return undefined;
  }
}

/** The LambdaPort over @aws-sdk/client-lambda: one client per region, SDK retries on. */
export function createLambdaPort(options: AwsOptions = {}): LambdaPort {
  const endpoints = new Map<string, ResolvedEndpoint>();
  const client = sdkClients(options, endpoints);
  const parts: PortParts = {
    client,
    tagging: taggingClients(options),
    direct: directPath(options, client, endpoints),
    options,
  };
  return {
    ...hotReads(parts),
    ...functionOps(parts),
    ...aliasOps(parts),
    ...otherOps(parts),
    ...copyOps(parts),
  };
}
