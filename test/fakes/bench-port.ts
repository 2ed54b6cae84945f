import type { ConfigUpdate, FunctionConfig, LambdaPort } from '../../src/core/ports.js';

const config = (revisionId: string): FunctionConfig => ({
  name: 'fn',
  arn: 'arn:aws:lambda:eu-west-1:123456789012:function:fn',
  region: 'eu-west-1',
  version: '$LATEST',
  runtime: 'provided.al2023',
  handler: 'bootstrap',
  architectures: ['arm64'],
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

/**
 * An in-memory Lambda with only what the benchmark calls: a configuration change bumps the RevisionId and
 * makes the next invocation cold (so is the first), and invoke fails on the call numbered `failOn` (0: never).
 */
export function fakeBenchPort(failOn = 0) {
  const updates: ConfigUpdate[] = [];
  let revision = 1;
  let invokes = 0;
  let fresh = true;
  const port = {
    getConfiguration: () => Promise.resolve(config(`r${revision}`)),
    updateConfiguration: (_ref, u: ConfigUpdate) => {
      updates.push(u);
      fresh = true;
      return Promise.resolve(config(`r${++revision}`));
    },
    waitUntilUpdated: () => Promise.resolve(),
    invoke: () => {
      if (++invokes === failOn) return Promise.reject(new Error('Invoke failed: network'));
      const cold = fresh;
      fresh = false;
      const log = `START\nREPORT RequestId: ${invokes}\tDuration: 2.00 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB\t${cold ? 'Init Duration: 40.00 ms\t' : ''}\n`;
      return Promise.resolve({
        statusCode: 200,
        functionError: undefined,
        payload: Buffer.from('{}'),
        log,
        executedVersion: '$LATEST',
      });
    },
  } as Partial<LambdaPort> as LambdaPort;
  return { port, updates };
}
