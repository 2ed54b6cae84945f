import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/server.js';
import { writeZip } from '../../src/archive/zip.js';

export const ROLE = 'arn:aws:iam::123456789012:role/lambda-role';

/** A temp folder removed by the returned cleanup. */
export async function tempDir(prefix = 'glm-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A sandbox on a free port in a fresh data dir, plus a cleanup that stops it and removes the dir. */
export async function withSandbox(
  options: Partial<SandboxOptions> = {},
): Promise<{ sandbox: Sandbox; dataDir: string; stop: () => Promise<void> }> {
  const { dir, cleanup } = await tempDir('glm-sandbox-');
  const sandbox = await startSandbox({ dataDir: dir, throttle: false, ...options });
  return {
    sandbox,
    dataDir: dir,
    stop: async () => {
      await sandbox.close();
      await cleanup();
    },
  };
}

/** An SDK client pointed at `url`, signing for `region` with dummy credentials. */
export function lambdaClient(url: string, region = 'us-east-1', maxAttempts = 1): LambdaClient {
  return new LambdaClient({
    endpoint: url,
    region,
    maxAttempts,
    credentials: { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox-secret' },
  });
}

/** A small zip holding one executable file. */
export function tinyZip(name = 'bootstrap', content = '#!/bin/sh\necho hi\n'): Promise<Buffer> {
  return writeZip([{ name, data: Buffer.from(content), mode: 0o755 }]);
}

/** Creates a function from tinyZip() in `region` (CreateFunction, so no deprecated runtime). */
export async function createTinyFunction(
  url: string,
  region: string,
  name: string,
  runtime = 'provided.al2023',
  handler = 'bootstrap',
): Promise<void> {
  await lambdaClient(url, region, 5).send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: runtime as never,
      Handler: handler,
      Role: ROLE,
      Code: { ZipFile: await tinyZip() },
    }),
  );
}
