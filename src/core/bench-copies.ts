import { randomBytes } from 'node:crypto';
import type { Architecture } from '../lambda/lifecycle.js';
import type { FunctionRef, LambdaPort } from './ports.js';

/** The tag on every function a benchmark creates; only functions with it are ever deleted by the sweep. */
export const COPY_TAG = 'go-lambda-migrate:bench-copy';

/** Durable list of the temporary functions a benchmark created, written before each CreateFunction. */
export interface CopyStore {
  add(ref: FunctionRef): Promise<void>;
  list(): Promise<FunctionRef[]>;
  remove(ref: FunctionRef): Promise<void>;
}

/** A temporary copy of a function to benchmark: the same configuration, other code, runtime or architecture. */
export interface CopySpec {
  /** The function whose configuration (role, memory, timeout, environment, layers, VPC) the copy takes. */
  readonly of: FunctionRef;
  /** What the copy is, in its name and description: `candidate` (the plan's artifact), `native` (x86_64). */
  readonly purpose: 'candidate' | 'native';
  readonly zip: Buffer;
  readonly runtime: string;
  readonly handler: string;
  readonly architecture: Architecture;
}

/** NAME-glm-PURPOSE-XXXX, at most 64 characters. */
function copyName(of: string, purpose: string): string {
  const suffix = `-glm-${purpose === 'candidate' ? 'cand' : purpose}-${randomBytes(2).toString('hex')}`;
  return `${of.slice(0, 64 - suffix.length)}${suffix}`;
}

/** Creates the copy (recorded first, so that a killed run's copy is deleted by the next) and waits for it. */
export async function createCopy(lambda: LambdaPort, store: CopyStore, spec: CopySpec): Promise<FunctionRef> {
  const blueprint = await lambda.functionBlueprint({ region: spec.of.region, name: spec.of.name });
  const ref: FunctionRef = { region: spec.of.region, name: copyName(spec.of.name, spec.purpose) };
  await store.add(ref);
  try {
    await lambda.createFunction(ref.region, {
      name: ref.name,
      blueprint,
      zip: spec.zip,
      runtime: spec.runtime,
      handler: spec.handler,
      architecture: spec.architecture,
      description: `go-lambda-migrate benchmark copy (${spec.purpose}) of ${spec.of.name}; deleted after the run`,
      tags: { [COPY_TAG]: spec.of.name },
    });
  } catch (e) {
    await lambda.deleteFunction(ref).catch(() => undefined);
    await store.remove(ref);
    throw e;
  }
  return ref;
}

/** Deletes a copy and forgets it; says what went wrong instead of throwing. */
export async function deleteCopy(
  lambda: LambdaPort,
  store: CopyStore,
  ref: FunctionRef,
): Promise<string | undefined> {
  try {
    await lambda.deleteFunction(ref);
    await store.remove(ref);
    return undefined;
  } catch (e) {
    return `could not delete the temporary function ${ref.name} in ${ref.region} (${(e as Error).message}); the next bench deletes it, or: aws lambda delete-function --region ${ref.region} --function-name ${ref.name}`;
  }
}

/**
 * Deletes the copies an earlier run left (killed before its cleanup), when they still carry the tool's tag;
 * returns what it did, a line each.
 */
export async function sweepCopies(lambda: LambdaPort, store: CopyStore): Promise<string[]> {
  const said: string[] = [];
  for (const ref of await store.list()) {
    let tagged: boolean;
    try {
      tagged = COPY_TAG in (await lambda.getFunction(ref)).tags;
    } catch (e) {
      if ((e as { kind?: string }).kind === 'not-found') {
        await store.remove(ref);
        continue;
      }
      said.push(
        `could not check the temporary function ${ref.name} left by an earlier run: ${(e as Error).message}`,
      );
      continue;
    }
    if (!tagged) {
      await store.remove(ref);
      continue;
    }
    const problem = await deleteCopy(lambda, store, ref);
    said.push(
      problem ?? `deleted ${ref.name} in ${ref.region}, a temporary function an interrupted benchmark left.`,
    );
  }
  return said;
}
