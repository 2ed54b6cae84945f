import type { Architecture } from '../lambda/lifecycle.js';

/** Which function: a region, a name, and optionally a version or alias. */
export interface FunctionRef {
  readonly region: string;
  readonly name: string;
  readonly qualifier?: string;
}

/** A function's configuration, in the project's own words. */
export interface FunctionConfig {
  readonly name: string;
  readonly arn: string;
  readonly region: string;
  readonly version: string;
  readonly runtime: string | undefined;
  readonly handler: string | undefined;
  readonly architectures: readonly Architecture[];
  readonly memorySize: number;
  readonly timeout: number;
  readonly codeSha256: string;
  readonly codeSize: number;
  readonly revisionId: string;
  readonly lastModified: string;
  readonly description: string;
  readonly state: string | undefined;
  readonly lastUpdateStatus: string | undefined;
}

/** GetFunction's answer: configuration, where to download the code, tags. */
export interface FunctionWithCode {
  readonly config: FunctionConfig;
  readonly codeLocation: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** What can go wrong talking to AWS, in terms a person can act on. */
export type AwsErrorKind =
  | 'not-found'
  | 'throttled'
  | 'access-denied'
  | 'conflict'
  | 'precondition'
  | 'invalid'
  /** A deprecated runtime refused in updates (past its block-update date). */
  | 'runtime-blocked'
  | 'service'
  | 'network'
  | 'credentials'
  | 'region';

/** What to change with UpdateFunctionCode; `revisionId` guards against concurrent changes. */
export interface CodeUpdate {
  readonly zip: Buffer;
  readonly architecture?: Architecture;
  readonly revisionId?: string;
  readonly publish?: boolean;
}

/** What to change with UpdateFunctionConfiguration. */
export interface ConfigUpdate {
  readonly runtime?: string;
  readonly handler?: string;
  readonly description?: string;
  readonly memorySize?: number;
  readonly revisionId?: string;
}

/** One invocation's outcome. */
export interface InvokeResult {
  readonly statusCode: number;
  readonly functionError: string | undefined;
  readonly payload: Buffer;
  readonly log: string;
  readonly executedVersion: string | undefined;
}

/** An alias, for risks and rollback advice. */
export interface AliasInfo {
  readonly name: string;
  readonly functionVersion: string;
  readonly weights: Readonly<Record<string, number>>;
  /** Present when read with GetAlias or written with UpdateAlias (the guard for the next update). */
  readonly revisionId?: string;
}

/** What to change with UpdateAlias: the version, and the share of traffic for one extra version. */
export interface AliasUpdate {
  readonly functionVersion: string;
  /** {version: share 0..1}; empty routes everything to `functionVersion`. */
  readonly weights: Readonly<Record<string, number>>;
  readonly revisionId?: string;
}

/** What CreateFunction needs to make a copy of a function with the same configuration. */
export interface FunctionBlueprint {
  readonly role: string;
  readonly memorySize: number;
  readonly timeout: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly layers: readonly string[];
  readonly vpc?: { readonly subnetIds: readonly string[]; readonly securityGroupIds: readonly string[] };
  readonly ephemeralStorageMb?: number;
}

/** A function to create (a benchmark's temporary copy). */
export interface NewFunction {
  readonly name: string;
  readonly blueprint: FunctionBlueprint;
  readonly zip: Buffer;
  readonly runtime: string;
  readonly handler: string;
  readonly architecture: Architecture;
  readonly description: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** What an endpoint that is this tool's own sandbox says of itself. */
export interface EndpointInfo {
  readonly sandbox: true;
  readonly hostArchitecture: Architecture;
  /** Architectures it runs through qemu-user: their timings are not AWS timings. */
  readonly emulatedArchitectures: readonly Architecture[];
}

/** CloudWatch, as the benchmark needs it: a function's real traffic. */
export interface MetricsPort {
  /** The sum of the function's `Invocations` over the last `days` days (all versions and aliases). */
  invocations(ref: FunctionRef, days: number): Promise<number>;
}

/** CloudFormation, read-only: the template a function's stack was deployed from. */
export interface StackPort {
  /** GetTemplate: the template as written (stage Original, so SAM's is SAM's, not the transformed one). */
  template(region: string, stack: string): Promise<string>;
  /** DescribeStackResources by physical id: the stack and logical id of a resource, or null when none owns it. */
  ownerOf(region: string, physicalId: string): Promise<{ stack: string; logicalId: string } | null>;
}

/** Lambda, as the tool needs it. Implemented over the SDK (src/aws) and by in-memory fakes in tests. */
export interface LambdaPort {
  /** Every function of a region, a page at a time as they arrive; with `allVersions`, published versions too. */
  listFunctionPages(region: string, options?: { allVersions?: boolean }): AsyncIterable<FunctionConfig[]>;
  /** GetFunctionConfiguration. */
  getConfiguration(ref: FunctionRef): Promise<FunctionConfig>;
  /** UpdateFunctionCode. */
  updateCode(ref: FunctionRef, update: CodeUpdate): Promise<FunctionConfig>;
  /** UpdateFunctionConfiguration. */
  updateConfiguration(ref: FunctionRef, update: ConfigUpdate): Promise<FunctionConfig>;
  /** PublishVersion, guarded by CodeSha256 and RevisionId when given. */
  publishVersion(
    ref: FunctionRef,
    options: { description?: string; codeSha256?: string; revisionId?: string },
  ): Promise<FunctionConfig>;
  /** Waits until LastUpdateStatus is Successful (throws when it ends Failed or the wait times out). */
  waitUntilUpdated(ref: FunctionRef, maxWaitSeconds?: number): Promise<void>;
  /** Invoke, RequestResponse, with the log tail. */
  invoke(ref: FunctionRef, payload: Buffer): Promise<InvokeResult>;
  /** ListAliases. */
  listAliases(ref: FunctionRef): Promise<AliasInfo[]>;
  /** GetAlias. */
  getAlias(ref: FunctionRef, name: string): Promise<AliasInfo>;
  /** UpdateAlias, guarded by the alias's RevisionId when given. */
  updateAlias(ref: FunctionRef, name: string, update: AliasUpdate): Promise<AliasInfo>;
  /** ListVersionsByFunction (numbers only, $LATEST left out). */
  listVersions(ref: FunctionRef): Promise<string[]>;
  /** GetFunction: configuration, a time-limited code URL and tags. */
  getFunction(ref: FunctionRef): Promise<FunctionWithCode>;
  /**
   * The tags of up to 100 functions of one region, by unqualified ARN, in one call (the Resource Groups
   * Tagging API's GetResources). A function without tags is absent from the map.
   */
  functionTags(region: string, arns: readonly string[]): Promise<Map<string, Record<string, string>>>;
  /** Downloads a function's zip from its code URL. */
  downloadCode(location: string): Promise<Buffer>;
  /** The region used when none is given (the profile's or the environment's), or undefined. */
  defaultRegion(): Promise<string | undefined>;
  /** The configuration CreateFunction needs to copy the function (GetFunctionConfiguration). */
  functionBlueprint(ref: FunctionRef): Promise<FunctionBlueprint>;
  /** CreateFunction, then waits until the function is Active. */
  createFunction(region: string, input: NewFunction): Promise<FunctionConfig>;
  /** DeleteFunction (the whole function); a function already gone is not an error. */
  deleteFunction(ref: FunctionRef): Promise<void>;
  /** This tool's sandbox describes itself; undefined for AWS and any other endpoint. */
  endpointInfo(): Promise<EndpointInfo | undefined>;
}

/** Where a binary's Go source is (see golang/source-match). */
export interface SourceLocation {
  readonly status: 'found' | 'ambiguous' | 'not-found';
  readonly dir?: string;
  /** The folder of the module (its go.mod) holding `dir`. */
  readonly moduleDir?: string;
  readonly moduleGoVersion?: string;
  readonly candidates: readonly string[];
}

/** Builds made from a copy of the source with aws-lambda-go upgraded, and the go.mod/go.sum change. */
export interface UpgradedBuild {
  readonly binaries: Readonly<Partial<Record<Architecture, Buffer>>>;
  /** The aws-lambda-go version the copy now requires. */
  readonly version: string;
  /** go.mod and go.sum as a unified diff that `git apply` takes in `patchRoot`. */
  readonly patch: string;
  readonly patchRoot: string;
}

/** A local run of an artifact before it is uploaded. */
export interface SmokeOutcome {
  readonly ok: boolean;
  readonly functionError: boolean;
  readonly errorType?: string;
  readonly response: string;
  readonly durationMs: number;
  readonly maxMemoryUsedMb: number;
  readonly initDurationMs?: number;
  readonly emulatedBy?: string;
}

/** The local toolchain: finding sources, building and smoke-testing. Implemented over Go and the sandbox runner. */
export interface BuildPort {
  /** True when a Go toolchain is installed. */
  goAvailable(): Promise<boolean>;
  /** Finds the source of a binary under the configured source folders. */
  findSource(mainPath: string | null, handler: string | undefined): Promise<SourceLocation>;
  /** Builds a static `bootstrap` for `architecture` from `dir` (-tags lambda.norpc plus `tags`). */
  rebuild(
    dir: string,
    architecture: Architecture,
    tags: readonly string[],
    moduleGoVersion?: string,
  ): Promise<Buffer>;
  /**
   * Upgrades aws-lambda-go to `version` (a release, or `latest`) in a copy of the source's module, with the
   * user's Go environment, and builds a `bootstrap` for each architecture from the copy. The user's tree
   * is never changed.
   */
  rebuildUpgraded(
    source: SourceLocation,
    architectures: readonly Architecture[],
    tags: readonly string[],
    version: string,
  ): Promise<UpgradedBuild>;
  /** Runs a zip once, locally, with `event`. */
  smokeTest(
    zip: Buffer,
    runtime: string,
    handler: string,
    architecture: Architecture,
    event: unknown,
  ): Promise<SmokeOutcome>;
}

/** Who holds a function's lock: enough to name the other process in a message. */
export interface LockHolder {
  readonly pid: number;
  readonly purpose: string;
  readonly since: string;
  readonly host: string;
}

/** Another process is working on the function: nothing was done to it. */
export class LockedError extends Error {
  constructor(
    readonly ref: FunctionRef,
    readonly holder: LockHolder,
  ) {
    super(
      `${ref.region}/${ref.name} is being worked on by another go-lambda-migrate process (pid ${holder.pid}${holder.host ? ` on ${holder.host}` : ''}, ${holder.purpose}, since ${holder.since}): wait for it to finish, or stop it`,
    );
    this.name = 'LockedError';
  }
}

/**
 * One process per function at a time, across processes: apply, rollback, bench and promote take a
 * function's lock before their first call on it. A lock whose process has died is taken over.
 */
export interface LockPort {
  /** Takes `ref`'s lock for `purpose`, or throws a LockedError naming the process that has it. */
  acquire(ref: FunctionRef, purpose: string): Promise<{ release(): Promise<void> }>;
}

/** Runs `work` under `ref`'s lock (when locks are given), releasing it however `work` ends. */
export async function withFunctionLock<T>(
  locks: LockPort | undefined,
  ref: FunctionRef,
  purpose: string,
  work: () => Promise<T>,
): Promise<T> {
  const lock = await locks?.acquire({ region: ref.region, name: ref.name }, purpose);
  try {
    return await work();
  } finally {
    await lock?.release();
  }
}
