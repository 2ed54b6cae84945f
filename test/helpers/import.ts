import type { CreateFunctionCommandInput } from '@aws-sdk/client-lambda';
import { writeZip } from '../../src/archive/zip.js';

/** An error the sandbox answered, with its wire fields. */
export class WireError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Creates a function through the sandbox's own import operation, which skips the runtime's block-create
 * rule: the way to have go1.x functions, which AWS no longer lets anyone create.
 */
export async function importFunction(
  url: string,
  input: CreateFunctionCommandInput,
  region = 'us-east-1',
): Promise<unknown> {
  const body = { ...input, Code: { ZipFile: Buffer.from(input.Code!.ZipFile!).toString('base64') } };
  const res = await fetch(`${url}/_sandbox/import`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `AWS4-HMAC-SHA256 Credential=AKID/20260101/${region}/lambda/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const doc = (await res.json()) as { message?: string; Message?: string };
  if (!res.ok)
    throw new WireError(
      res.status,
      res.headers.get('x-amzn-errortype') ?? '',
      doc.message ?? doc.Message ?? '',
    );
  return doc;
}

/**
 * Imports a function whose zip holds one executable: named `bootstrap` on provided.*, else the handler
 * `handler` (go1.x).
 */
export async function importBinary(
  url: string,
  name: string,
  binary: Buffer,
  runtime: 'go1.x' | 'provided.al2' | 'provided.al2023',
  extra: Partial<CreateFunctionCommandInput> = {},
): Promise<unknown> {
  const file = runtime === 'go1.x' ? 'handler' : 'bootstrap';
  return importFunction(url, {
    FunctionName: name,
    Runtime: runtime,
    Handler: file,
    Role: 'arn:aws:iam::123456789012:role/lambda-role',
    Timeout: 15,
    Code: { ZipFile: await writeZip([{ name: file, data: binary, mode: 0o755 }]) },
    ...extra,
  });
}
