import { GO_RUNTIMES } from '../lambda/facts.js';
import { createHash } from 'node:crypto';
import { bootstrapZip, bridgeZip, keptEntries } from '../archive/package.js';
import { DeploymentError, pickBinary, readDeployment, type Deployment } from '../archive/deployment.js';
import { writeZip, ZipFormatError } from '../archive/zip.js';
import { inspectBinary, type BinaryReport } from '../golang/inspect-binary.js';
import { libraryRange, REQUEST_ID_SINCE } from '../golang/verdict.js';
import type { Architecture, RuntimeLifecycle } from '../lambda/lifecycle.js';
import type {
  BuildPort,
  FunctionConfig,
  FunctionRef,
  LambdaPort,
  SmokeOutcome,
  SourceLocation,
} from './ports.js';
import type { Block, Risk, SourceProblem } from './findings.js';
import type { IacReport } from './iac-plan.js';
import { managedBy } from './scan.js';
import { EventChannel, mapLimit } from './concurrency.js';
import { JournalError, type JournalPort, type StepName } from './journal.js';
import { decideApply, FORWARD_STEPS, latestMigration } from './migration-machine.js';
import {
  actionsFor,
  blocks,
  checkPermissions,
  type IamPort,
  type PermissionDecision,
  type PermissionReport,
} from './permissions.js';

export type Strategy = 'auto' | 'rebuild' | 'repackage';

/** How to plan. */
export interface PlanOptions {
  readonly target: 'provided.al2023' | 'provided.al2';
  readonly arch: Architecture;
  readonly strategy: Strategy;
  /** Invoke once after the switch with this event (apply). */
  readonly verifyEvent?: unknown;
  /** The date the lifecycle is judged on. */
  readonly today: string;
  /**
   * aws-lambda-go for rebuilds: `latest` (the default) upgrades a library too old for provided.* or that
   * loses the request id; a release (`v1.54.0`) upgrades to it whatever the library; `keep` never upgrades.
   */
  readonly lambdaLibVersion?: string;
}

/** aws-lambda-go moved to another version for a rebuild, and the go.mod/go.sum change that does it. */
export interface LibraryUpgrade {
  readonly from: string;
  readonly to: string;
  /** A unified diff for `git apply`, run in `patchRoot` (the top of the user's repository). */
  readonly patch: string;
  readonly patchRoot: string;
}

export type { Block, Finding, Risk, RiskLevel, SourceProblem } from './findings.js';

export interface Step {
  readonly action: StepName;
  readonly detail: string;
}

/** An artifact to upload, kept in memory (and saved next to a plan file by --out). */
export interface Artifact {
  readonly zip: Buffer;
  readonly sha256: string;
  readonly size: number;
  readonly architecture: Architecture;
}

/** One function's plan: the `plan --json` document, plus what apply needs. */
export interface FunctionPlan {
  readonly functionName: string;
  /** The unqualified ARN (the permission preflight's resource); absent in plans saved before it existed. */
  readonly functionArn?: string;
  readonly region: string;
  readonly from: {
    runtime: string;
    handler: string;
    architectures: Architecture[];
    codeSha256: string;
    revisionId: string;
    codeSize: number;
  };
  readonly to: { runtime: string; handler: string; architectures: Architecture[]; codeSize?: number };
  readonly strategy: 'rebuild' | 'repackage' | 'none';
  readonly source: string | null;
  readonly steps: Step[];
  readonly risks: Risk[];
  readonly blocked: Block | null;
  readonly binary: Pick<
    BinaryReport,
    'verdict' | 'runtimeApi' | 'rpc' | 'goVersion' | 'lambdaLibrary' | 'cgo'
  > | null;
  readonly smoke: SmokeOutcome | null;
  readonly artifacts: { final?: Artifact; bridge?: Artifact };
  /** Set when the rebuild upgraded aws-lambda-go: the change to commit to the source. */
  readonly libraryUpgrade?: LibraryUpgrade;
  /** The interrupted migration this plan finishes (from its journal), instead of a new one. */
  readonly resumes?: string;
}

export interface Plan {
  readonly version: 1;
  readonly createdAt: string;
  readonly options: Omit<PlanOptions, 'today'>;
  readonly functions: FunctionPlan[];
  /** Where the functions are defined (IaC), and the patch that keeps a deploy from undoing the migration. */
  readonly iac?: IacReport;
}

export type PlanEvent =
  | { readonly type: 'function-start'; readonly ref: FunctionRef }
  | { readonly type: 'progress'; readonly ref: FunctionRef; readonly message: string }
  | { readonly type: 'function-done'; readonly plan: FunctionPlan };

const sha = (b: Buffer) => createHash('sha256').update(b).digest('base64');
const artifact = (zip: Buffer, architecture: Architecture): Artifact => ({
  zip,
  sha256: sha(zip),
  size: zip.length,
  architecture,
});
const RUNTIME_FAILURE = /^(Runtime\.|Sandbox\.|PathError)/;

function mb(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** What every plan of a function starts from: its configuration now, and its names. */
function planBase(c: FunctionConfig, ref: FunctionRef) {
  return {
    from: {
      runtime: c.runtime ?? '',
      handler: c.handler ?? '',
      architectures: [...c.architectures],
      codeSha256: c.codeSha256,
      revisionId: c.revisionId,
      codeSize: c.codeSize,
    },
    base: {
      functionName: c.name,
      functionArn: c.arn.replace(/:(\$LATEST|\d+)$/, ''),
      region: ref.region,
    },
  };
}

/** What planning learns about a function before it decides anything. */
interface PlanFacts {
  readonly config: FunctionConfig;
  readonly tags: Readonly<Record<string, string>>;
  readonly deployment: Deployment;
  readonly handlerName: string;
  readonly binary: Buffer;
  readonly report: BinaryReport;
  readonly source: SourceLocation | undefined;
  readonly goAvailable: boolean;
}

/** How a function will be migrated, decided from its facts alone. */
export type StrategyChoice =
  | {
      readonly strategy: 'rebuild';
      /** go1.x only: the bridge that runs on both runtimes (an x86_64 rebuild when the binary is RPC-only). */
      readonly bridge: 'symlink' | 'x86-rebuild' | 'none';
      /** Build from a copy of the source with aws-lambda-go at this version (`latest` or a release). */
      readonly upgradeTo?: string;
    }
  | {
      readonly strategy: 'repackage';
      readonly bridge: 'symlink' | 'none';
      /** Why it stays on x86_64 when arm64 was asked for. */
      readonly staysX86?: SourceProblem;
    }
  | { readonly strategy: 'blocked'; readonly reason: Block };

/** The facts chooseStrategy decides on. */
export interface StrategyFacts {
  readonly runtime: string;
  readonly report: Pick<BinaryReport, 'verdict' | 'arch' | 'runtimeApi' | 'rpc' | 'reasons'> &
    Partial<Pick<BinaryReport, 'lambdaLibrary'>>;
  readonly source:
    (Pick<SourceLocation, 'status' | 'candidates'> & Partial<Pick<SourceLocation, 'moduleDir'>>) | undefined;
  readonly goAvailable: boolean;
}

/**
 * The aws-lambda-go version a rebuild moves to, if any: the one asked for, or with `latest` (the default)
 * the newest when the deployed library cannot run on provided.* or leaves the request id empty there.
 */
function libraryUpgradeTo(f: StrategyFacts, asked: string | undefined): string | undefined {
  const lib = f.report.lambdaLibrary;
  if (!lib || asked === 'keep' || !f.source?.moduleDir) return undefined;
  if (asked && asked !== 'latest') return asked === lib.version ? undefined : asked;
  const range = libraryRange(lib.version);
  return !range.runtimeApi || range.emptyRequestId ? 'latest' : undefined;
}

/** What stops a rebuild from the source, when something does. */
function sourceProblem(f: StrategyFacts): SourceProblem {
  if (f.source?.status === 'ambiguous') return { kind: 'ambiguous', candidates: f.source.candidates };
  if (f.source?.status === 'found' && !f.goAvailable) return { kind: 'no-go' };
  return { kind: 'not-found' };
}

/**
 * Rebuild when the source is found and Go is installed (unless --strategy repackage); else repackage an
 * x86_64 binary that runs on provided.* as it is (unless --strategy rebuild); else blocked, saying why.
 * A go1.x function gets a bridge when one can be made.
 */
export function chooseStrategy(
  f: StrategyFacts,
  options: Pick<PlanOptions, 'strategy' | 'arch' | 'lambdaLibVersion'>,
): StrategyChoice {
  const fromGo1x = f.runtime === 'go1.x';
  const { source, report } = f;
  // A lambda.norpc binary cannot serve go1.x: deployed there it fails already, and a link to it bridges nothing.
  const servesGo1x = report.rpc !== false;
  if (source?.status === 'found' && f.goAvailable && options.strategy !== 'repackage') {
    const bridge = !fromGo1x || !servesGo1x ? 'none' : report.runtimeApi ? 'symlink' : 'x86-rebuild';
    const upgradeTo = libraryUpgradeTo(f, options.lambdaLibVersion);
    return { strategy: 'rebuild', bridge, ...(upgradeTo && { upgradeTo }) };
  }
  if (options.strategy !== 'rebuild' && report.verdict === 'repackage-ok' && report.arch === 'x86_64') {
    const bridge = fromGo1x && report.runtimeApi && servesGo1x ? 'symlink' : 'none';
    if (options.arch !== 'arm64') return { strategy: 'repackage', bridge };
    return { strategy: 'repackage', bridge, staysX86: sourceProblem(f) };
  }
  return {
    strategy: 'blocked',
    reason: {
      code: 'cannot-rebuild',
      binary: report.reasons[0] ?? report.verdict,
      source: sourceProblem(f),
      forced: options.strategy === 'rebuild',
    },
  };
}

/** Downloads, checks and inspects the deployed code: the facts, or the plan of a function that cannot go on. */
async function gatherFacts(
  lambda: LambdaPort,
  build: BuildPort,
  lifecycle: RuntimeLifecycle,
  ref: FunctionRef,
  options: PlanOptions,
  blocked: (reason: Block, risks?: Risk[]) => FunctionPlan,
  progress: (message: string) => void,
  got: { config: FunctionConfig; codeLocation: string; tags: Readonly<Record<string, string>> },
): Promise<PlanFacts | FunctionPlan> {
  const c = got.config;
  progress('downloading the deployed code');
  const zip = await lambda.downloadCode(got.codeLocation);
  if (sha(zip) !== c.codeSha256) return blocked({ code: 'code-changed' });
  let deployment: Deployment;
  let picked: { name: string; data: Buffer };
  try {
    deployment = await readDeployment(zip);
    picked = await pickBinary(deployment, c.runtime === 'go1.x' ? c.handler : 'bootstrap');
  } catch (e) {
    if (e instanceof ZipFormatError || e instanceof DeploymentError)
      return blocked({ code: 'zip-unusable', detail: e.message });
    throw e;
  }
  const report = inspectBinary(picked.name, picked.data, options.target, lifecycle);
  const source =
    options.strategy === 'repackage' || report.verdict === 'not-go'
      ? undefined
      : await build.findSource(report.mainPath, c.handler);
  return {
    config: c,
    tags: got.tags,
    deployment,
    handlerName: picked.name,
    binary: picked.data,
    report,
    source,
    goAvailable: source?.status === 'found' ? await build.goAvailable() : false,
  };
}

/** The final zip and the bridge the choice calls for, built (and rebuilt with Go) as needed. */
async function buildArtifacts(
  choice: Exclude<StrategyChoice, { strategy: 'blocked' }>,
  f: PlanFacts,
  build: BuildPort,
  options: PlanOptions,
  progress: (message: string) => void,
): Promise<{
  finalZip: Buffer;
  finalArch: Architecture;
  bridge: Buffer | undefined;
  upgrade?: LibraryUpgrade;
}> {
  const keepHandler = f.config.runtime === 'go1.x' ? f.handlerName : undefined;
  let bridge: Buffer | undefined;
  if (choice.bridge === 'symlink') bridge = await bridgeZip(f.deployment, f.handlerName);
  if (choice.strategy === 'repackage')
    return { finalZip: await bootstrapZip(f.deployment, f.binary, keepHandler), finalArch: 'x86_64', bridge };
  const dir = f.source!.dir!;
  progress(`rebuilding from ${dir} for ${options.arch}`);
  const tags = f.report.tags.filter((t) => t !== 'lambda.norpc');
  let upgrade: LibraryUpgrade | undefined;
  let built: Buffer;
  let x86: Buffer | undefined;
  if (choice.upgradeTo) {
    progress(`upgrading aws-lambda-go to ${choice.upgradeTo} in a copy of ${f.source!.moduleDir}`);
    const archs: Architecture[] =
      choice.bridge === 'x86-rebuild' && options.arch !== 'x86_64'
        ? [options.arch, 'x86_64']
        : [options.arch];
    const u = await build.rebuildUpgraded(f.source!, archs, tags, choice.upgradeTo);
    built = u.binaries[options.arch]!;
    x86 = u.binaries.x86_64;
    upgrade = {
      from: f.report.lambdaLibrary!.version,
      to: u.version,
      patch: u.patch,
      patchRoot: u.patchRoot,
    };
  } else built = await build.rebuild(dir, options.arch, tags, f.source!.moduleGoVersion);
  if (choice.bridge === 'x86-rebuild') {
    // The deployed binary cannot answer on provided.*: bridge with an x86_64 rebuild next to the old handler.
    x86 ??=
      options.arch === 'x86_64' ? built : await build.rebuild(dir, 'x86_64', tags, f.source!.moduleGoVersion);
    bridge = await writeZip([
      ...(await keptEntries(f.deployment, new Set(['bootstrap']))),
      { name: 'bootstrap', data: x86, mode: 0o755 },
    ]);
  }
  return {
    finalZip: await bootstrapZip(f.deployment, built, keepHandler),
    finalArch: options.arch,
    bridge,
    ...(upgrade && { upgrade }),
  };
}

/** The steps apply will take, in words. */
function stepsFor(
  from: FunctionPlan['from'],
  strategy: 'rebuild' | 'repackage',
  final: Artifact,
  bridge: { zip: Buffer; what: string } | undefined,
  options: PlanOptions,
): Step[] {
  return [
    {
      action: 'preflight',
      detail: `RevisionId ${from.revisionId} and CodeSha256 ${from.codeSha256} unchanged; State Active, LastUpdateStatus Successful`,
    },
    {
      action: 'backup',
      detail: `download the deployed zip (${mb(from.codeSize)}), check its SHA-256; publish a version of it`,
    },
    ...(bridge
      ? [
          {
            action: 'bridge' as const,
            detail: `upload a bridge zip (${mb(bridge.zip.length)}, x86_64: ${bridge.what}) that runs on ${from.runtime} and ${options.target}`,
          },
        ]
      : []),
    {
      action: 'configuration',
      detail: `Runtime ${from.runtime} → ${options.target}, Handler ${from.handler} → bootstrap`,
    },
    {
      action: 'code',
      detail: `upload ${strategy === 'rebuild' ? 'the rebuilt' : 'the repackaged'} bootstrap zip (${mb(final.size)}, sha256 ${final.sha256}), Architectures ${from.architectures[0]} → ${final.architecture}`,
    },
    ...(options.verifyEvent !== undefined
      ? [{ action: 'verify' as const, detail: 'invoke once with the verify event and require success' }]
      : []),
  ];
}

/**
 * Plans one function, in named steps: its facts (configuration, code, binary, source; read-only calls only),
 * the strategy chosen from them (chooseStrategy), the artifacts built, the smoke test, then the steps and
 * risks apply will meet.
 */
export async function planFunction(
  lambda: LambdaPort,
  build: BuildPort,
  lifecycle: RuntimeLifecycle,
  ref: FunctionRef,
  options: PlanOptions,
  progress: (message: string) => void = () => undefined,
): Promise<FunctionPlan> {
  const got = await lambda.getFunction(ref);
  const c: FunctionConfig = got.config;
  const { from, base: common } = planBase(c, ref);
  const base = { ...common, from, source: null, binary: null, smoke: null, artifacts: {} };
  const blocked = (reason: Block, risks: Risk[] = []): FunctionPlan => ({
    ...base,
    to: { runtime: from.runtime, handler: from.handler, architectures: from.architectures },
    strategy: 'none',
    steps: [],
    risks,
    blocked: reason,
  });
  if (!c.runtime || !GO_RUNTIMES.has(c.runtime))
    return blocked({ code: 'not-go-runtime', runtime: c.runtime ?? '(none)' });
  if (c.runtime === options.target && from.architectures[0] === options.arch) {
    const done: Risk = {
      level: 'info',
      code: 'already-migrated',
      target: options.target,
      arch: options.arch,
    };
    return { ...blocked({ code: 'note', text: '' }, [done]), blocked: null };
  }
  const facts = await gatherFacts(lambda, build, lifecycle, ref, options, blocked, progress, got);
  if (!('report' in facts)) return facts;
  const { report } = facts;
  const summary = {
    verdict: report.verdict,
    runtimeApi: report.runtimeApi,
    rpc: report.rpc,
    goVersion: report.goVersion,
    lambdaLibrary: report.lambdaLibrary,
    cgo: report.cgo,
  };
  const risks = await risksFor(lambda, lifecycle, ref, c, report, got.tags, options);
  if (report.verdict === 'not-go')
    return {
      ...blocked({ code: 'not-go', detail: report.reasons[0] ?? report.verdict }, risks),
      binary: summary,
    };

  const choice = chooseStrategy(
    { runtime: c.runtime, report, source: facts.source, goAvailable: facts.goAvailable },
    options,
  );
  if (choice.strategy === 'blocked')
    return { ...blocked(choice.reason, risks), binary: summary, source: facts.source?.dir ?? null };
  if (choice.strategy === 'repackage' && choice.staysX86)
    risks.push({ level: 'warning', code: 'stays-x86', because: choice.staysX86 });
  const failsToday = c.runtime === 'go1.x' && report.rpc === false && report.runtimeApi === true;
  if (failsToday) risks.push({ level: 'warning', code: 'fails-on-go1x' });
  else if (c.runtime === 'go1.x' && choice.bridge === 'none')
    risks.push({ level: 'danger', code: 'no-bridge' });
  const { finalZip, finalArch, bridge, upgrade } = await buildArtifacts(
    choice,
    facts,
    build,
    options,
    progress,
  );
  // The library the new code has: the deployed one, unless the rebuild upgraded it.
  const library = upgrade?.to ?? report.lambdaLibrary?.version;
  if (library && libraryRange(library).runtimeApi && libraryRange(library).emptyRequestId)
    risks.push({ level: 'warning', code: 'request-id-empty', version: library, fixedIn: REQUEST_ID_SINCE });

  progress('smoke-testing the new package locally');
  const smoke = await build.smokeTest(
    finalZip,
    options.target,
    'bootstrap',
    finalArch,
    options.verifyEvent ?? { foo: 'bar' },
  );
  const smokeFailed = !smoke.ok && smoke.errorType !== undefined && RUNTIME_FAILURE.test(smoke.errorType);
  const final = artifact(finalZip, finalArch);
  const bridgeWhat = report.runtimeApi
    ? `bootstrap → ${facts.handlerName}`
    : 'the old handler and an x86_64 bootstrap';
  return {
    ...base,
    to: { runtime: options.target, handler: 'bootstrap', architectures: [finalArch], codeSize: final.size },
    strategy: choice.strategy,
    source: choice.strategy === 'rebuild' ? facts.source!.dir! : null,
    steps: stepsFor(from, choice.strategy, final, bridge && { zip: bridge, what: bridgeWhat }, options),
    risks,
    blocked: smokeFailed
      ? { code: 'smoke-failed', errorType: smoke.errorType ?? '', response: smoke.response.slice(0, 300) }
      : null,
    binary: summary,
    smoke,
    artifacts: { final, ...(bridge && { bridge: artifact(bridge, 'x86_64') }) },
    ...(upgrade && { libraryUpgrade: upgrade }),
  };
}

async function risksFor(
  lambda: LambdaPort,
  lifecycle: RuntimeLifecycle,
  ref: FunctionRef,
  c: FunctionConfig,
  report: BinaryReport,
  tags: Readonly<Record<string, string>>,
  options: PlanOptions,
): Promise<Risk[]> {
  const risks: Risk[] = [];
  const owner = managedBy(tags);
  if (owner)
    risks.push({ level: 'warning', code: 'managed-by', owner, target: options.target, arch: options.arch });
  const [aliases, versions] = await Promise.all([lambda.listAliases(ref), lambda.listVersions(ref)]);
  if (versions.length > 0 || aliases.length > 0) {
    risks.push({
      level: 'info',
      code: 'versions-keep-runtime',
      versions: versions.length,
      aliases: aliases.map((a) => ({ name: a.name, version: a.functionVersion })),
    });
  }
  const target = lifecycle.get(options.target);
  if (target?.deprecated && options.today >= target.deprecated) {
    risks.push({
      level: 'warning',
      code: 'target-deprecated',
      runtime: options.target,
      since: target.deprecated,
      blockUpdate: target.blockUpdate ?? null,
    });
  }
  const old = c.runtime ? lifecycle.get(c.runtime) : undefined;
  if (old?.blockUpdate) {
    risks.push(
      options.today >= old.blockUpdate
        ? { level: 'danger', code: 'rollback-blocked', runtime: c.runtime!, since: old.blockUpdate }
        : { level: 'info', code: 'rollback-until', runtime: c.runtime!, until: old.blockUpdate },
    );
  }
  if (report.cgo) risks.push({ level: 'warning', code: 'cgo' });
  return risks;
}

/**
 * The plan of a function whose journal holds an unfinished migration: that migration's own record and
 * artifacts and the steps it has left (apply finishes it), or the reason apply would refuse it. Undefined
 * when the journal leaves apply free to plan anew.
 */
export async function journalPlan(
  lambda: LambdaPort,
  journal: JournalPort,
  ref: FunctionRef,
): Promise<FunctionPlan | undefined> {
  let state;
  try {
    state = latestMigration(await journal.read(ref), journal.path(ref));
  } catch (e) {
    if (!(e instanceof JournalError)) throw e;
    state = e;
  }
  if (state === undefined) return undefined;
  const c = await lambda.getConfiguration(ref);
  const { from, base: common } = planBase(c, ref);
  const base = {
    ...common,
    source: null,
    binary: null,
    smoke: null,
  };
  const blocked = (reason: Block): FunctionPlan => ({
    ...base,
    from,
    to: { runtime: from.runtime, handler: from.handler, architectures: from.architectures },
    strategy: 'none',
    steps: [],
    risks: [],
    blocked: reason,
    artifacts: {},
  });
  if (state instanceof JournalError) return blocked({ code: 'journal-damaged', detail: state.message });
  const decision = decideApply(state, c);
  if (decision.kind === 'refuse') return blocked({ code: 'refused', refusal: decision.reason });
  if (decision.kind !== 'resume') return undefined;
  const { record } = state;
  const load = async (a: { path: string; sha256: string }, architecture: Architecture) => {
    const zip = await journal.loadBlob(a.path);
    if (sha(zip) !== a.sha256) throw new Error(`the journaled artifact ${a.path} does not match its SHA-256`);
    return artifact(zip, architecture);
  };
  let artifacts: FunctionPlan['artifacts'];
  try {
    artifacts = {
      final: await load(record.artifacts.final, record.to.architecture),
      ...(record.artifacts.bridge && { bridge: await load(record.artifacts.bridge, 'x86_64') }),
    };
  } catch (e) {
    return blocked({ code: 'unfinishable', id: record.id, detail: (e as Error).message, name: ref.name });
  }
  const left = FORWARD_STEPS.slice(state.done.length);
  const final = artifacts.final!;
  const detail: Record<StepName, string> = {
    preflight: `RevisionId ${record.from.revisionId} and CodeSha256 ${record.from.codeSha256} as recorded`,
    backup: 'download the deployed zip, check its SHA-256; publish a version of it',
    bridge: 'upload the recorded bridge zip (x86_64), unless the function is already past it',
    configuration: `Runtime → ${record.to.runtime}, Handler → ${record.to.handler}`,
    code: `upload the recorded ${record.strategy === 'rebuild' ? 'rebuilt' : 'repackaged'} zip (${mb(final.size)}, sha256 ${final.sha256}), Architectures → ${record.to.architecture}`,
    verify: record.verify ? 'invoke once with the verify event and require success' : 'not asked for',
  };
  return {
    ...base,
    from: {
      ...record.from,
      architectures: [record.from.architecture],
      codeSize: state.backup?.size ?? 0,
    },
    to: {
      runtime: record.to.runtime,
      handler: record.to.handler,
      architectures: [record.to.architecture],
      codeSize: final.size,
    },
    strategy: record.strategy === 'rebuild' ? 'rebuild' : 'repackage',
    steps: left.map((action) => ({ action, detail: detail[action] })),
    risks: [
      {
        level: 'warning',
        code: 'interrupted',
        id: record.id,
        startedAt: state.startedAt,
        phase: state.phase,
        left,
      },
    ],
    blocked: null,
    artifacts,
    resumes: record.id,
  };
}

/**
 * Plans several functions (two at a time: rebuilds are CPU-bound), streaming progress; the plan comes last.
 * With a journal, a function with an unfinished migration gets that migration's plan (see journalPlan).
 */
export async function* planMigration(
  lambda: LambdaPort,
  build: BuildPort,
  lifecycle: RuntimeLifecycle,
  refs: readonly FunctionRef[],
  options: PlanOptions,
  extras: { concurrency?: number; iam?: IamPort; journal?: JournalPort } = {},
): AsyncGenerator<PlanEvent | { type: 'done'; plan: Plan }> {
  const channel = new EventChannel<PlanEvent>();
  const plans: FunctionPlan[] = [];
  const work = mapLimit(refs, extras.concurrency ?? 2, async (ref) => {
    channel.push({ type: 'function-start', ref });
    const progress = (message: string) => channel.push({ type: 'progress', ref, message });
    let plan =
      (extras.journal && (await journalPlan(lambda, extras.journal, ref))) ??
      (await planFunction(lambda, build, lifecycle, ref, options, progress));
    if (extras.iam && changesFunction(plan) && plan.functionArn) {
      progress('checking permissions (IAM policy simulation)');
      plan = withPermissions(
        plan,
        await checkPermissions(extras.iam, plan.functionArn, actionsFor(plan.steps)),
      );
    }
    plans.push(plan);
    channel.push({ type: 'function-done', plan });
  }).finally(() => channel.close());
  yield* channel;
  await work;
  plans.sort((a, b) => (`${a.region}/${a.functionName}` < `${b.region}/${b.functionName}` ? -1 : 1));
  const { today: _today, ...kept } = options;
  yield {
    type: 'done',
    plan: { version: 1, createdAt: new Date().toISOString(), options: kept, functions: plans },
  };
}

/** A plan with what the permission preflight found: refusals that stop apply block it; others are risks. */
export function withPermissions(plan: FunctionPlan, report: PermissionReport): FunctionPlan {
  if (report.status === 'unchecked') {
    return {
      ...plan,
      risks: [...plan.risks, { level: 'info', code: 'permissions-unchecked', reason: report.reason }],
    };
  }
  const list = (ds: PermissionDecision[]) => ds.map((d) => `${d.action} (${d.decision})`);
  const stopping = report.denied.filter(blocks);
  const optional = report.denied.filter((d) => !blocks(d));
  return {
    ...plan,
    risks: [
      ...plan.risks,
      ...(optional.length > 0
        ? [
            {
              level: 'warning' as const,
              code: 'backup-version-denied' as const,
              principal: report.principal,
              actions: list(optional),
            },
          ]
        : []),
    ],
    blocked:
      stopping.length > 0
        ? { code: 'permissions-denied', principal: report.principal, actions: list(stopping) }
        : plan.blocked,
  };
}

/** True when a function's plan changes it: neither blocked nor already done. */
export const changesFunction = (f: FunctionPlan): boolean => !f.blocked && f.strategy !== 'none';

/** The plans apply carries out. */
export const changingFunctions = (plan: Plan): FunctionPlan[] => plan.functions.filter(changesFunction);

/** True when the plan changes something. */
export function planChanges(plan: Plan): boolean {
  return plan.functions.some(changesFunction);
}
