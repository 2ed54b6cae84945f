import type {
  ConfigUpdate,
  FunctionConfig,
  FunctionRef,
  LambdaPort,
  NewFunction,
} from '../../src/core/ports.js';

const config = (name: string, revisionId: string, arch: 'arm64' | 'x86_64' = 'arm64'): FunctionConfig => ({
  name,
  arn: `arn:aws:lambda:eu-west-1:123456789012:function:${name}`,
  region: 'eu-west-1',
  version: '$LATEST',
  runtime: 'provided.al2023',
  handler: 'bootstrap',
  architectures: [arch],
  memorySize: 128,
  timeout: 3,
  codeSha256: 'x',
  codeSize: 1,
  revisionId,
  lastModified: '',
  description: 'orders',
  state: 'Active',
  lastUpdateStatus: 'Successful',
});

export interface FakeBenchOptions {
  /** The invoke call numbered this fails with a network error (0: never). */
  readonly failOn?: number;
  /** Idle environments each version has before the run (other traffic). */
  readonly idleAtStart?: number;
  /** Every invocation of a target whose label is listed fails with a function error. */
  readonly failing?: readonly string[];
  /** What endpointInfo says: architectures emulated. */
  readonly emulated?: readonly ('arm64' | 'x86_64')[];
}

/**
 * An in-memory Lambda with what the benchmark calls, modelling execution environments per function
 * version: an invocation takes an idle environment (warm) or starts one (cold, with an Init Duration);
 * concurrent invocations start one each; a configuration change of $LATEST retires its environments.
 * Functions can be created and deleted (the benchmark's copies).
 */
export function fakeBenchPort(failOnOrOptions: number | FakeBenchOptions = 0) {
  const o: FakeBenchOptions =
    typeof failOnOrOptions === 'number' ? { failOn: failOnOrOptions } : failOnOrOptions;
  const updates: ConfigUpdate[] = [];
  const created: NewFunction[] = [];
  const deleted: string[] = [];
  /** Functions deleted (every other name exists, as the benchmark's targets do). */
  const gone = new Set<string>();
  const live = { has: (n: string) => !gone.has(n), add: (n: string) => void gone.delete(n) };
  const revisions = new Map<string, number>();
  const idle = new Map<string, number>();
  let invokes = 0;
  const keyOf = (ref: FunctionRef) => `${ref.name}:${ref.qualifier ?? '$LATEST'}`;
  const idleOf = (key: string) => idle.get(key) ?? o.idleAtStart ?? 0;
  const rev = (name: string) => `r${revisions.get(name) ?? 1}`;
  const port = {
    getConfiguration: (ref: FunctionRef) => {
      if (!live.has(ref.name))
        return Promise.reject(Object.assign(new Error('not found'), { kind: 'not-found' }));
      // Published versions are the go1.x backups (x86_64); $LATEST is the migrated arm64 function.
      const arch = ref.qualifier
        ? 'x86_64'
        : (created.find((c) => c.name === ref.name)?.architecture ?? 'arm64');
      return Promise.resolve(config(ref.name, rev(ref.name), arch));
    },
    updateConfiguration: (ref: FunctionRef, u: ConfigUpdate) => {
      updates.push(u);
      revisions.set(ref.name, (revisions.get(ref.name) ?? 1) + 1);
      idle.set(keyOf(ref), 0);
      return Promise.resolve(config(ref.name, rev(ref.name)));
    },
    waitUntilUpdated: () => Promise.resolve(),
    invoke: async (ref: FunctionRef) => {
      if (++invokes === o.failOn) throw new Error('Invoke failed: network');
      const key = keyOf(ref);
      const cold = idleOf(key) === 0;
      if (!cold) idle.set(key, idleOf(key) - 1);
      // The answer comes a moment later, so that invocations of a burst overlap.
      await new Promise((r) => setTimeout(r, 1));
      idle.set(key, idleOf(key) + 1);
      const fails = o.failing?.includes(ref.qualifier ? `${ref.name}:${ref.qualifier}` : ref.name) ?? false;
      const log = `START\nREPORT RequestId: ${invokes}\tDuration: ${cold ? 5 : 2}.00 ms\tBilled Duration: ${cold ? 46 : 3} ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB\t${cold ? 'Init Duration: 40.00 ms\t' : ''}\n`;
      return {
        statusCode: 200,
        functionError: fails ? 'Unhandled' : undefined,
        payload: Buffer.from(
          fails ? '{"errorMessage":"orderId is required","errorType":"errorString"}' : '{}',
        ),
        log,
        executedVersion: ref.qualifier ?? '$LATEST',
      };
    },
    endpointInfo: () =>
      Promise.resolve(
        o.emulated
          ? { sandbox: true as const, hostArchitecture: 'x86_64' as const, emulatedArchitectures: o.emulated }
          : undefined,
      ),
    functionBlueprint: () =>
      Promise.resolve({
        role: 'arn:aws:iam::123456789012:role/r',
        memorySize: 128,
        timeout: 3,
        environment: {},
        layers: [],
      }),
    createFunction: (_region: string, f: NewFunction) => {
      created.push(f);
      live.add(f.name);
      return Promise.resolve(config(f.name, 'r1', f.architecture));
    },
    deleteFunction: (ref: FunctionRef) => {
      deleted.push(ref.name);
      gone.add(ref.name);
      return Promise.resolve();
    },
    getFunction: (ref: FunctionRef) =>
      live.has(ref.name)
        ? Promise.resolve({
            config: config(ref.name, rev(ref.name)),
            codeLocation: '',
            tags: created.find((c) => c.name === ref.name)?.tags ?? {},
          })
        : Promise.reject(Object.assign(new Error('not found'), { kind: 'not-found' })),
  } as Partial<LambdaPort> as LambdaPort;
  return { port, updates, created, deleted, live };
}
