import type { SandboxContext } from './context.js';
import { latestRevision, type AliasRecord, type FunctionConfig, type FunctionRecord } from './model.js';
import { createHash } from 'node:crypto';
import { functionArn } from './arn.js';

interface Status {
  State: string;
  StateReason?: string;
  StateReasonCode?: string;
  /** Set once creation has completed. */
  LastUpdateStatus?: string;
  LastUpdateStatusReason?: string;
  LastUpdateStatusReasonCode?: string;
}

/** State and LastUpdateStatus of $LATEST at `now`. */
export function latestStatus(record: FunctionRecord, now: number): Status {
  if (now < record.createdReadyAt) {
    return {
      State: 'Pending',
      StateReason: 'The function is being created.',
      StateReasonCode: 'Creating',
    };
  }
  if (now < record.updateReadyAt) {
    return {
      State: 'Active',
      LastUpdateStatus: 'InProgress',
      // What Lambda sends during an update, although the model's enum lacks `Creating`.
      LastUpdateStatusReason: 'The function is being created.',
      LastUpdateStatusReasonCode: 'Creating',
    };
  }
  return { State: 'Active', LastUpdateStatus: 'Successful' };
}

/** The ARN of a runtime's version, as RuntimeVersionConfig and the INIT_START line show it. */
export function runtimeVersionArn(region: string, runtime: string): string {
  return `arn:aws:lambda:${region}::runtime:${createHash('sha256').update(runtime).digest('hex')}`;
}

/**
 * A FunctionConfiguration document as Lambda returns it. In a `listing` (ListFunctions) the state, the
 * last update's status and RuntimeVersionConfig are left out, as Lambda leaves them out.
 */
export function renderConfig(
  ctx: SandboxContext,
  record: FunctionRecord,
  version: string,
  qualifiedArn: boolean,
  listing = false,
): Record<string, unknown> {
  const published = version === '$LATEST' ? undefined : record.versions.find((v) => v.version === version);
  const config: FunctionConfig = published ? published.config : record.latest;
  const now = ctx.now();
  const status: Status = published
    ? now < published.readyAt
      ? {
          State: 'Pending',
          StateReason: 'The function is being created.',
          StateReasonCode: 'Creating',
        }
      : { State: 'Active', LastUpdateStatus: 'Successful' }
    : latestStatus(record, now);
  const arn = functionArn(
    record.region,
    ctx.accountId,
    record.name,
    qualifiedArn || published ? version : undefined,
  );
  return {
    FunctionName: record.name,
    FunctionArn: arn,
    ...(config.runtime !== undefined && { Runtime: config.runtime }),
    Role: config.role,
    ...(config.handler !== undefined && { Handler: config.handler }),
    CodeSize: config.code.size,
    Description: published ? published.description : config.description,
    Timeout: config.timeout,
    MemorySize: config.memorySize,
    LastModified: config.lastModified,
    CodeSha256: config.code.sha256,
    Version: version,
    ...(config.environment && { Environment: { Variables: config.environment } }),
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: published ? config.revisionId : latestRevision(record, now),
    ...(!listing && status),
    ...(!listing &&
      config.runtime !== undefined && {
        RuntimeVersionConfig: { RuntimeVersionArn: runtimeVersionArn(record.region, config.runtime) },
      }),
    PackageType: 'Zip',
    Architectures: [...config.architectures],
    EphemeralStorage: { Size: config.ephemeralStorage },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${record.name}` },
  };
}

/** An AliasConfiguration document. */
export function renderAlias(
  ctx: SandboxContext,
  record: FunctionRecord,
  alias: AliasRecord,
): Record<string, unknown> {
  return {
    AliasArn: functionArn(record.region, ctx.accountId, record.name, alias.name),
    Name: alias.name,
    FunctionVersion: alias.functionVersion,
    Description: alias.description,
    ...(Object.keys(alias.weights).length > 0 && {
      RoutingConfig: { AdditionalVersionWeights: { ...alias.weights } },
    }),
    RevisionId: alias.revisionId,
  };
}
