// Which sides a benchmark compares: the migrated function against its go1.x backup, or the go1.x function
// against a candidate built by the plan; and, when the endpoint emulates the new side's architecture, a
// native x86_64 build of the same source as a third side.
import { bootstrapZip } from '../archive/package.js';
import { pickBinary, readDeployment } from '../archive/deployment.js';
import { inspectBinary } from '../golang/inspect-binary.js';
import type { Architecture, RuntimeLifecycle } from '../lambda/lifecycle.js';
import type { CopySpec } from './bench-copies.js';
import type { BenchJob, BenchTarget } from './benchmark.js';
import type { FunctionPlan } from './plan.js';
import type { BuildPort, FunctionRef, LambdaPort } from './ports.js';

/** What makes the native side: the source build, or why there is none. */
export type NativeSide = { readonly copy: CopySpec } | { readonly note: string };

/**
 * An x86_64 build of the Go source `zip`'s bootstrap was built from, as a temporary copy of `of` on
 * `runtime`: the same program measured natively where the endpoint emulates arm64.
 */
export async function nativeSide(
  build: BuildPort,
  lifecycle: RuntimeLifecycle,
  of: FunctionRef,
  zip: Buffer,
  runtime: string,
): Promise<NativeSide> {
  const why = (reason: string): NativeSide => ({
    note: `${of.name}: its arm64 side runs emulated here and there is no native x86_64 column: ${reason}`,
  });
  try {
    const deployment = await readDeployment(zip);
    const binary = await pickBinary(deployment, 'bootstrap');
    const report = inspectBinary(binary.name, binary.data, runtime, lifecycle);
    if (!report.mainPath) return why('the bootstrap has no Go build information.');
    if (!(await build.goAvailable())) return why('no Go toolchain is installed to build it for x86_64.');
    const source = await build.findSource(report.mainPath, 'bootstrap');
    if (source.status !== 'found' || !source.dir)
      return why(`the source of ${report.mainPath} was not found (--source DIR).`);
    const tags = report.tags.filter((t) => t !== 'lambda.norpc');
    const x86 = await build.rebuild(source.dir, 'x86_64', tags, source.moduleGoVersion);
    return {
      copy: {
        of,
        purpose: 'native',
        zip: await bootstrapZip(deployment, x86),
        runtime,
        handler: 'bootstrap',
        architecture: 'x86_64',
      },
    };
  } catch (e) {
    return why(`building it failed: ${(e as Error).message}`);
  }
}

/** What the caller knows to pick sides: the endpoint's emulation, the toolchain, the rules. */
export interface SideContext {
  readonly lambda: LambdaPort;
  readonly build: BuildPort;
  readonly lifecycle: RuntimeLifecycle;
}

async function emulates(lambda: LambdaPort, arch: Architecture): Promise<boolean> {
  return (await lambda.endpointInfo())?.emulatedArchitectures.includes(arch) ?? false;
}

/** Adds the native side to `targets` when the new one is emulated, or a note that says why it cannot. */
async function withNative(
  ctx: SideContext,
  of: FunctionRef,
  targets: BenchTarget[],
  newArch: Architecture,
  newZip: () => Promise<Buffer>,
  runtime: string,
): Promise<{ targets: BenchTarget[]; notes: string[] }> {
  if (newArch === 'x86_64' || !(await emulates(ctx.lambda, newArch))) return { targets, notes: [] };
  const side = await nativeSide(ctx.build, ctx.lifecycle, of, await newZip(), runtime);
  return 'copy' in side
    ? { targets: [...targets, { role: 'native', copy: side.copy }], notes: [] }
    : { targets, notes: [side.note] };
}

/** The migrated function ($LATEST) against the published version of its go1.x code. */
export async function backupJob(
  ctx: SideContext,
  ref: FunctionRef,
  version: string | undefined,
): Promise<BenchJob> {
  const key = `${ref.region}/${ref.name}`;
  const latest = { region: ref.region, name: ref.name };
  if (!version)
    return {
      key,
      against: null,
      targets: [{ role: 'new', ref: latest }],
      notes: [`${ref.name}: apply published no backup version, so there is nothing to compare with.`],
    };
  const old: FunctionRef = { ...latest, qualifier: version };
  const config = await ctx.lambda.getConfiguration(latest);
  const arch = config.architectures[0] ?? 'x86_64';
  const { targets, notes } = await withNative(
    ctx,
    latest,
    [
      { role: 'old', ref: old },
      { role: 'new', ref: latest },
    ],
    arch,
    async () => {
      const f = await ctx.lambda.getFunction(latest);
      return ctx.lambda.downloadCode(f.codeLocation);
    },
    config.runtime ?? 'provided.al2023',
  );
  return { key, against: `${ref.name}:${version}`, targets, notes };
}

/** The go1.x function as it is against a temporary candidate built from the plan's artifact. */
export async function candidateJob(ctx: SideContext, plan: FunctionPlan): Promise<BenchJob> {
  const ref: FunctionRef = { region: plan.region, name: plan.functionName };
  const key = `${ref.region}/${ref.name}`;
  const final = plan.artifacts.final;
  if (!final || plan.blocked)
    throw new Error(
      `${plan.functionName}: the plan built no artifact to benchmark${plan.blocked ? ' (it is blocked)' : ''}.`,
    );
  const arch = plan.to.architectures[0] ?? final.architecture;
  const candidate: CopySpec = {
    of: ref,
    purpose: 'candidate',
    zip: final.zip,
    runtime: plan.to.runtime,
    handler: plan.to.handler,
    architecture: arch,
  };
  const { targets, notes } = await withNative(
    ctx,
    ref,
    [
      { role: 'old', ref },
      { role: 'new', copy: candidate },
    ],
    arch,
    () => Promise.resolve(final.zip),
    plan.to.runtime,
  );
  return { key, against: `a candidate built by the plan (${plan.to.runtime}, ${arch})`, targets, notes };
}
