import { createHash, randomUUID } from 'node:crypto';
import type { BackupRecord, JournalEntry, JournalPort } from '../../src/core/journal.js';
import type {
  AliasInfo,
  EndpointInfo,
  FunctionBlueprint,
  FunctionConfig,
  FunctionRef,
  FunctionWithCode,
  InvokeResult,
  LambdaPort,
} from '../../src/core/ports.js';
import type { Architecture } from '../../src/lambda/lifecycle.js';

/** Runs `f`, turning what it throws into a rejection, as an SDK call's failure arrives. */
function attempt<T>(f: () => T): Promise<T> {
  try {
    return Promise.resolve(f());
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('base64');

/** A fake deployment package: which executables it holds. The fake runs it as Lambda would decide. */
export function fakeZip(...executables: string[]): Buffer {
  return Buffer.from(JSON.stringify({ executables }));
}
const executables = (zip: Buffer): string[] =>
  (JSON.parse(zip.toString()) as { executables: string[] }).executables;

/** An error as the AWS adapter maps it: a kind the core can act on. */
export class FakeAwsError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

interface Stored {
  config: FunctionConfig;
  zip: Buffer;
  /** Reads left while the last update stays InProgress. */
  inProgressReads: number;
  versions: Map<string, { config: FunctionConfig; zip: Buffer }>;
  aliases: Map<string, AliasInfo>;
  tags: Record<string, string>;
}

/**
 * Lambda in memory, for core's unit tests: RevisionId guards, InProgress states that last a number of reads,
 * ResourceConflict while in progress, runtimes refused past their block-update date, injected faults, and
 * invocations that fail the way Lambda does when the code cannot run on the runtime (no bootstrap on
 * provided.*, no handler on go1.x). Every call is logged.
 */
export class FakeLambda implements LambdaPort {
  readonly calls: string[] = [];
  /** Faults to throw, per method, in order (one per call). */
  readonly faults = new Map<string, Error[]>();
  /** Runtimes refused in updates (past the block-update date). */
  readonly blocked = new Set<string>();
  /** How many reads an update stays InProgress for. */
  updateReads = 1;
  private readonly fns = new Map<string, Stored>();

  private key = (ref: FunctionRef) => `${ref.region}/${ref.name}`;

  private stored(ref: FunctionRef): Stored {
    const s = this.fns.get(this.key(ref));
    if (!s) throw new FakeAwsError('not-found', `Function not found: ${ref.name}`);
    return s;
  }

  private call(name: string, ref?: FunctionRef): void {
    this.calls.push(ref ? `${name} ${ref.name}` : name);
    const fault = this.faults.get(name)?.shift();
    if (fault) throw fault;
  }

  /** Creates a function (any runtime, as the sandbox's import does). */
  create(
    ref: FunctionRef,
    runtime: string,
    handler: string,
    zip: Buffer,
    architecture: Architecture = 'x86_64',
    tags: Record<string, string> = {},
  ): FunctionConfig {
    const config: FunctionConfig = {
      name: ref.name,
      arn: `arn:aws:lambda:${ref.region}:123456789012:function:${ref.name}`,
      region: ref.region,
      version: '$LATEST',
      runtime,
      handler,
      architectures: [architecture],
      memorySize: 128,
      timeout: 3,
      codeSha256: sha(zip),
      codeSize: zip.length,
      revisionId: randomUUID(),
      lastModified: new Date().toISOString(),
      description: '',
      state: 'Active',
      lastUpdateStatus: 'Successful',
    };
    this.fns.set(this.key(ref), {
      config,
      zip,
      inProgressReads: 0,
      versions: new Map(),
      aliases: new Map(),
      tags,
    });
    return config;
  }

  /** The function as it is, without counting as a read. */
  peek(ref: FunctionRef): FunctionConfig {
    return this.stored(ref).config;
  }

  private read(ref: FunctionRef): FunctionConfig {
    const s = this.stored(ref);
    if (s.inProgressReads > 0) {
      s.inProgressReads--;
      return { ...s.config, lastUpdateStatus: 'InProgress' };
    }
    return s.config;
  }

  private change(
    ref: FunctionRef,
    revisionId: string | undefined,
    patch: Partial<FunctionConfig>,
    zip?: Buffer,
  ): FunctionConfig {
    const s = this.stored(ref);
    if (s.inProgressReads > 0)
      throw new FakeAwsError(
        'conflict',
        'The operation cannot be performed at this time. An update is in progress',
      );
    if (revisionId !== undefined && revisionId !== s.config.revisionId)
      throw new FakeAwsError(
        'precondition',
        'The Revision Id provided does not match the latest Revision Id.',
      );
    s.config = { ...s.config, ...patch, revisionId: randomUUID(), lastUpdateStatus: 'Successful' };
    if (zip) s.zip = zip;
    s.inProgressReads = this.updateReads;
    return s.config;
  }

  private refuseBlocked(runtime: string | undefined): void {
    if (runtime && this.blocked.has(runtime))
      throw new FakeAwsError(
        'runtime-blocked',
        `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions.`,
      );
  }

  async *listFunctionPages(region: string): AsyncIterable<FunctionConfig[]> {
    await Promise.resolve(this.call('ListFunctions'));
    yield [...this.fns.values()].map((s) => s.config).filter((c) => c.region === region);
  }
  getConfiguration(ref: FunctionRef): Promise<FunctionConfig> {
    return attempt(() => {
      this.call('GetFunctionConfiguration', ref);
      return this.read(ref);
    });
  }
  getFunction(ref: FunctionRef): Promise<FunctionWithCode> {
    return attempt(() => {
      this.call('GetFunction', ref);
      const config = this.read(ref);
      return { config, codeLocation: `mem://${this.key(ref)}`, tags: { ...this.stored(ref).tags } };
    });
  }
  functionTags(region: string, arns: readonly string[]): Promise<Map<string, Record<string, string>>> {
    return attempt(() => {
      this.call('GetResources');
      if (arns.length > 100) throw new FakeAwsError('invalid', 'ResourceARNList holds at most 100 ARNs');
      const out = new Map<string, Record<string, string>>();
      for (const s of this.fns.values()) {
        if (s.config.region === region && arns.includes(s.config.arn) && Object.keys(s.tags).length > 0)
          out.set(s.config.arn, { ...s.tags });
      }
      return out;
    });
  }
  downloadCode(location: string): Promise<Buffer> {
    return attempt(() => {
      this.call('DownloadCode');
      return this.stored(this.refOf(location)).zip;
    });
  }
  private refOf(location: string): FunctionRef {
    const [region, name] = location.slice('mem://'.length).split('/');
    return { region: region!, name: name! };
  }
  updateCode(
    ref: FunctionRef,
    update: { zip: Buffer; architecture?: Architecture; revisionId?: string },
  ): Promise<FunctionConfig> {
    return attempt(() => {
      this.call('UpdateFunctionCode', ref);
      this.refuseBlocked(this.stored(ref).config.runtime);
      const architecture = update.architecture ?? this.stored(ref).config.architectures[0]!;
      return this.change(
        ref,
        update.revisionId,
        { codeSha256: sha(update.zip), codeSize: update.zip.length, architectures: [architecture] },
        update.zip,
      );
    });
  }
  updateConfiguration(
    ref: FunctionRef,
    update: {
      runtime?: string;
      handler?: string;
      description?: string;
      memorySize?: number;
      revisionId?: string;
    },
  ): Promise<FunctionConfig> {
    return attempt(() => {
      this.call('UpdateFunctionConfiguration', ref);
      this.refuseBlocked(update.runtime);
      const { revisionId, ...patch } = update;
      return this.change(ref, revisionId, patch);
    });
  }
  publishVersion(
    ref: FunctionRef,
    options: { codeSha256?: string; revisionId?: string },
  ): Promise<FunctionConfig> {
    return attempt(() => {
      this.call('PublishVersion', ref);
      const s = this.stored(ref);
      if (options.revisionId !== undefined && options.revisionId !== s.config.revisionId)
        throw new FakeAwsError(
          'precondition',
          'The Revision Id provided does not match the latest Revision Id.',
        );
      const version = String(s.versions.size + 1);
      const config = { ...s.config, version };
      s.versions.set(version, { config, zip: s.zip });
      return config;
    });
  }
  waitUntilUpdated(ref: FunctionRef): Promise<void> {
    return attempt(() => {
      this.call('Wait', ref);
      this.stored(ref).inProgressReads = 0;
      return undefined;
    });
  }
  /** Runs $LATEST as Lambda would decide: provided.* needs a bootstrap, go1.x its handler. */
  invoke(ref: FunctionRef): Promise<InvokeResult> {
    return attempt(() => {
      this.call('Invoke', ref);
      const s = this.stored(ref);
      const has = executables(s.zip);
      const runs =
        s.config.runtime === 'go1.x' ? has.includes(s.config.handler ?? '') : has.includes('bootstrap');
      return {
        statusCode: 200,
        functionError: runs ? undefined : 'Unhandled',
        payload: Buffer.from(runs ? '"ok"' : '{"errorType":"Runtime.InvalidEntrypoint"}'),
        log: '',
        executedVersion: '$LATEST',
      };
    });
  }
  listAliases(ref: FunctionRef): Promise<AliasInfo[]> {
    return attempt(() => {
      this.call('ListAliases', ref);
      return [...this.stored(ref).aliases.values()];
    });
  }
  getAlias(ref: FunctionRef, name: string): Promise<AliasInfo> {
    return attempt(() => {
      this.call('GetAlias', ref);
      const a = this.stored(ref).aliases.get(name);
      if (!a) throw new FakeAwsError('not-found', `Alias not found: ${name}`);
      return a;
    });
  }
  updateAlias(
    ref: FunctionRef,
    name: string,
    update: { functionVersion: string; weights: Readonly<Record<string, number>> },
  ): Promise<AliasInfo> {
    this.call('UpdateAlias', ref);
    const a: AliasInfo = {
      name,
      functionVersion: update.functionVersion,
      weights: update.weights,
      revisionId: randomUUID(),
    };
    this.stored(ref).aliases.set(name, a);
    return Promise.resolve(a);
  }
  listVersions(ref: FunctionRef): Promise<string[]> {
    return attempt(() => {
      this.call('ListVersionsByFunction', ref);
      return [...this.stored(ref).versions.keys()];
    });
  }
  defaultRegion(): Promise<string | undefined> {
    return Promise.resolve('us-east-1');
  }
  // The benchmark's copies are not part of what these tests exercise.
  functionBlueprint(): Promise<FunctionBlueprint> {
    return Promise.reject(new Error('FakeLambda does not copy functions'));
  }
  createFunction(): Promise<FunctionConfig> {
    return Promise.reject(new Error('FakeLambda does not create functions'));
  }
  deleteFunction(): Promise<void> {
    return Promise.reject(new Error('FakeLambda does not delete functions'));
  }
  endpointInfo(): Promise<EndpointInfo | undefined> {
    return Promise.resolve(undefined);
  }
}

/** A journal in memory: entries per function, blobs by content. */
export class MemoryJournal implements JournalPort {
  readonly entries = new Map<string, JournalEntry[]>();
  readonly blobs = new Map<string, Buffer>();
  private key = (ref: FunctionRef) => `${ref.region}/${ref.name}`;
  append(ref: FunctionRef, entry: JournalEntry): Promise<void> {
    this.entries.set(this.key(ref), [...(this.entries.get(this.key(ref)) ?? []), entry]);
    return Promise.resolve();
  }
  read(ref: FunctionRef): Promise<JournalEntry[]> {
    return Promise.resolve([...(this.entries.get(this.key(ref)) ?? [])]);
  }
  path(ref: FunctionRef): string {
    return `mem:${this.key(ref)}.jsonl`;
  }
  list(): Promise<FunctionRef[]> {
    return Promise.resolve(
      [...this.entries.keys()].map((k) => ({ region: k.split('/')[0]!, name: k.split('/')[1]! })),
    );
  }
  saveBlob(_ref: FunctionRef, _name: string, data: Buffer): Promise<string> {
    const path = `mem:blobs/${sha(data)}`;
    this.blobs.set(path, data);
    return Promise.resolve(path);
  }
  loadBlob(path: string): Promise<Buffer> {
    const b = this.blobs.get(path);
    return b ? Promise.resolve(b) : Promise.reject(new Error(`no blob ${path}`));
  }
  findBlob(sha256: string): Promise<string | undefined> {
    const path = `mem:blobs/${sha256}`;
    return Promise.resolve(this.blobs.has(path) ? path : undefined);
  }
  /** The backups the journal records. */
  backups(ref: FunctionRef): BackupRecord[] {
    return (this.entries.get(this.key(ref)) ?? []).flatMap((e) =>
      e.type === 'step' && e.backup ? [e.backup] : [],
    );
  }
}
