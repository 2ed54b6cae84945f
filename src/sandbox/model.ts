import { createHash } from 'node:crypto';
import type { Architecture } from '../lambda/lifecycle.js';

/** A code package held by the sandbox: the zip's SHA-256 (base64, as Lambda reports it) and size. */
export interface CodeRef {
  readonly sha256: string;
  readonly size: number;
}

/** One version's complete configuration, as stored. */
export interface FunctionConfig {
  readonly runtime: string | undefined;
  readonly handler: string | undefined;
  readonly role: string;
  readonly description: string;
  readonly timeout: number;
  readonly memorySize: number;
  readonly environment: Readonly<Record<string, string>> | undefined;
  readonly architectures: readonly Architecture[];
  readonly code: CodeRef;
  readonly lastModified: string;
  readonly revisionId: string;
  readonly ephemeralStorage: number;
}

/** A published, immutable version. */
export interface VersionRecord {
  readonly version: string;
  readonly config: FunctionConfig;
  readonly description: string;
  /** Epoch ms after which the version is Active. */
  readonly readyAt: number;
}

/** An alias: a name for a version, optionally routing a share of traffic to a second version. */
export interface AliasRecord {
  readonly name: string;
  readonly functionVersion: string;
  readonly description: string;
  readonly weights: Readonly<Record<string, number>>;
  readonly revisionId: string;
}

/** Everything the sandbox knows of one function in one region. Records are replaced, never mutated. */
export interface FunctionRecord {
  readonly region: string;
  readonly name: string;
  readonly latest: FunctionConfig;
  /** What invocations of $LATEST use while an update is in progress (AWS keeps serving the old code). */
  readonly previous: FunctionConfig | undefined;
  /** Epoch ms: State is Pending until then. */
  readonly createdReadyAt: number;
  /** Epoch ms: LastUpdateStatus is InProgress until then. */
  readonly updateReadyAt: number;
  readonly versions: readonly VersionRecord[];
  readonly nextVersion: number;
  readonly aliases: readonly AliasRecord[];
  readonly tags: Readonly<Record<string, string>>;
  /** Bumped on every change to $LATEST's code or configuration, so that executors retire old environments. */
  readonly generation: number;
}

/**
 * $LATEST's RevisionId at `now`. Lambda gives a function a new RevisionId when an update completes, so the
 * one an update returned is stale once LastUpdateStatus is Successful (aws/aws-sdk#377): a caller must read
 * the function again after waiting, never chain the returned id.
 */
export function latestRevision(record: FunctionRecord, now: number): string {
  if (record.updateReadyAt === 0 || now < record.updateReadyAt) return record.latest.revisionId;
  const h = createHash('sha256').update(`${record.latest.revisionId}:settled`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The configuration an invocation of `version` sees at `now`. */
export function effectiveConfig(
  record: FunctionRecord,
  version: string,
  now: number,
): FunctionConfig | undefined {
  if (version === '$LATEST') {
    return now < record.updateReadyAt && record.previous ? record.previous : record.latest;
  }
  return record.versions.find((v) => v.version === version)?.config;
}
