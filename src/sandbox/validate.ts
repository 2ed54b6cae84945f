import type { Architecture } from '../lambda/lifecycle.js';
import { openZip, ZipFormatError } from '../archive/zip.js';
import { UNZIPPED_LIMIT } from '../archive/deployment.js';
import type { SandboxContext } from './context.js';
import type { FunctionRecord } from './model.js';
import { conflict, invalidParameter, preconditionFailed, tooLarge, validation } from './api-error.js';
import { functionArn } from './arn.js';
import { latestStatus } from './render.js';

export const ZIP_LIMIT = 52_428_800;
const ROLE = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;

/** Checks an uploaded deployment package the way Lambda does; returns the zip bytes. */
export async function checkZip(zipBase64: unknown, operation: string): Promise<Buffer> {
  if (typeof zipBase64 !== 'string' || zipBase64.length === 0) {
    throw invalidParameter(
      'Please provide a source for function code (ZipFile). The sandbox does not read S3 or container images.',
    );
  }
  const zip = Buffer.from(zipBase64, 'base64');
  if (zip.length > ZIP_LIMIT) {
    throw tooLarge(`Request must be smaller than 69905067 bytes for the ${operation} operation`);
  }
  let unzipped = 0;
  try {
    for (const e of (await openZip(zip)).entries) unzipped += e.size;
  } catch (e) {
    if (e instanceof ZipFormatError) {
      throw invalidParameter(
        'Could not unzip uploaded file. Please check your file, then try to upload again.',
      );
    }
    throw e;
  }
  if (unzipped > UNZIPPED_LIMIT) {
    throw invalidParameter(`Unzipped size must be smaller than ${UNZIPPED_LIMIT} bytes`);
  }
  return zip;
}

/** Validates an optional integer field against Lambda's model bounds. */
export function intField(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw validation(field, value, 'Member must be an integer');
  }
  if (value < min) throw validation(field, value, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw validation(field, value, `Member must have value less than or equal to ${max}`);
  return value;
}

/** Validates an optional string field. */
export function stringField(
  value: unknown,
  field: string,
  maxLength: number,
  pattern?: RegExp,
): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validation(field, value, 'Member must be a string');
  if (value.length > maxLength) {
    throw validation(field, value, `Member must have length less than or equal to ${maxLength}`);
  }
  if (pattern && !pattern.test(value)) {
    throw validation(field, value, `Member must satisfy regular expression pattern: ${pattern.source}`);
  }
  return value;
}

/** Validates a Runtime value against the lifecycle table's list. */
export function runtimeField(ctx: SandboxContext, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !ctx.lifecycle.get(value)) {
    throw validation(
      'runtime',
      value,
      `Member must satisfy enum value set: [${ctx.lifecycle.names().join(', ')}]`,
    );
  }
  return value;
}

export function handlerField(value: unknown): string | undefined {
  return stringField(value, 'handler', 128, /^[^\s]+$/);
}

export function roleField(value: unknown): string | undefined {
  return stringField(value, 'role', 2048, ROLE);
}

/** Validates Architectures: exactly one of x86_64 and arm64. */
export function architecturesField(value: unknown): Architecture[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw validation('architectures', value, 'Member must be a list');
  if (value.length !== 1) {
    throw validation(
      'architectures',
      `[${value.join(', ')}]`,
      value.length === 0
        ? 'Member must have length greater than or equal to 1'
        : 'Member must have length less than or equal to 1',
    );
  }
  const arch: unknown = value[0];
  if (arch !== 'x86_64' && arch !== 'arm64') {
    throw validation(
      'architectures',
      `[${String(arch)}]`,
      'Member must satisfy enum value set: [x86_64, arm64]',
    );
  }
  return [arch];
}

/** Validates Environment.Variables: string values, Lambda's 4 KB limit. */
export function environmentField(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  const vars = (value as { Variables?: unknown }).Variables ?? {};
  if (typeof vars !== 'object' || vars === null || Array.isArray(vars)) {
    throw validation('environment.variables', vars, 'Member must be a map');
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars as Record<string, unknown>)) {
    if (!/^[a-zA-Z]([a-zA-Z0-9_])+$/.test(k)) {
      throw validation(
        'environment.variables',
        k,
        'Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+',
      );
    }
    out[k] = String(v);
  }
  const size = Buffer.byteLength(JSON.stringify(out));
  if (size > 4096) {
    throw invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${JSON.stringify(out)}`,
    );
  }
  return out;
}

/** Refuses a runtime/architecture pair Lambda refuses (go1.x and provided are x86_64 only). */
export function checkRuntimeArchitecture(
  ctx: SandboxContext,
  runtime: string | undefined,
  arch: Architecture,
): void {
  if (!runtime) return;
  const info = ctx.lifecycle.get(runtime);
  if (info && !info.architectures.includes(arch)) {
    throw invalidParameter(
      `Runtime ${runtime} does not support the following architectures [${arch}]. Please select different architectures from [x86_64, arm64] or select a different runtime.`,
    );
  }
}

/** The message Lambda gives once a runtime can no longer be used for creating or updating. */
export function runtimeBlocked(runtime: string) {
  return invalidParameter(
    `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.`,
  );
}

/** Refuses changes while the function is Pending or an update is InProgress, as Lambda does. */
export function assertUpdatable(ctx: SandboxContext, record: FunctionRecord): void {
  const status = latestStatus(record, ctx.now());
  if (status.State === 'Pending') {
    throw conflict(
      'The operation cannot be performed at this time. The function is currently in the following state: Pending',
    );
  }
  if (status.LastUpdateStatus === 'InProgress') {
    throw conflict(
      `The operation cannot be performed at this time. An update is in progress for resource: ${functionArn(record.region, ctx.accountId, record.name)}`,
    );
  }
}

/** PreconditionFailedException when a RevisionId guard does not match. */
export function checkRevision(given: unknown, current: string, what = 'GetFunction/GetAlias'): void {
  if (given !== undefined && given !== null && given !== current) {
    throw preconditionFailed(
      `The Revision Id provided does not match the latest Revision Id. Call the ${what} API to retrieve the latest Revision Id`,
    );
  }
}
