import { UserError } from '../errors.js';
import {
  withFunctionLock,
  type AliasInfo,
  type FunctionRef,
  type LambdaPort,
  type LockPort,
} from './ports.js';
import { DEFAULT_SCAN_RUNTIMES } from './scan.js';

/** What to do with an alias. */
export type AliasMove =
  /** Publish $LATEST and send all the alias's traffic to it, or `weight` of it (a canary). */
  | { readonly kind: 'latest'; readonly weight?: number }
  /** Point the alias at a version already published (going back, for one), all traffic. */
  | { readonly kind: 'version'; readonly version: string };

/** How the alias was, and how it is. */
export interface PromoteResult {
  readonly alias: string;
  readonly before: Pick<AliasInfo, 'functionVersion' | 'weights'>;
  readonly after: Pick<AliasInfo, 'functionVersion' | 'weights'>;
  /** The version published of $LATEST, when one was. */
  readonly published?: string;
}

/**
 * Moves an alias's traffic to the migrated code: $LATEST is published (guarded by its CodeSha256 and
 * RevisionId, so what is published is what was checked), then the alias is pointed at it, wholly or for a
 * share of its traffic, guarded by the alias's own RevisionId. `version` points it back (or anywhere).
 * $LATEST still on a deprecated runtime is refused: migrate it first.
 */
export async function promoteAlias(
  lambda: LambdaPort,
  ref: FunctionRef,
  alias: string,
  move: AliasMove,
): Promise<PromoteResult> {
  const current = await lambda.getAlias(ref, alias);
  const before = { functionVersion: current.functionVersion, weights: current.weights };
  if (move.kind === 'version') {
    const updated = await lambda.updateAlias(ref, alias, {
      functionVersion: move.version,
      weights: {},
      ...(current.revisionId && { revisionId: current.revisionId }),
    });
    return { alias, before, after: { functionVersion: updated.functionVersion, weights: updated.weights } };
  }
  const latest = await lambda.getConfiguration(ref);
  if (!latest.runtime || DEFAULT_SCAN_RUNTIMES.includes(latest.runtime)) {
    throw new UserError(
      `${ref.name}'s $LATEST is still on ${latest.runtime ?? 'no runtime'}: promoting it would move ${alias} to a deprecated runtime.`,
      `Migrate it first: go-lambda-migrate apply ${ref.name}`,
    );
  }
  const published = await lambda.publishVersion(ref, {
    description: `go-lambda-migrate: ${latest.runtime} ${latest.architectures[0] ?? ''}`.trim(),
    codeSha256: latest.codeSha256,
    revisionId: latest.revisionId,
  });
  const version = published.version;
  const canary = move.weight !== undefined && move.weight < 1 && version !== current.functionVersion;
  const updated = await lambda.updateAlias(ref, alias, {
    functionVersion: canary ? current.functionVersion : version,
    weights: canary ? { [version]: move.weight } : {},
    ...(current.revisionId && { revisionId: current.revisionId }),
  });
  return {
    alias,
    before,
    after: { functionVersion: updated.functionVersion, weights: updated.weights },
    published: version,
  };
}

/** An alias's routing in words: `version 3`, or `version 1 (90%) and 3 (10%)`. */
export function describeRouting(version: string, weights: Readonly<Record<string, number>>): string {
  const [extra, share] = Object.entries(weights)[0] ?? [];
  return extra === undefined || share === undefined
    ? `version ${version}`
    : `version ${version} (${Math.round((1 - share) * 100)}%) and ${extra} (${Math.round(share * 100)}%)`;
}

/** What a move of several functions' aliases reports, alias by alias. */
export type PromoteEvent =
  | { readonly type: 'moved'; readonly ref: FunctionRef; readonly result: PromoteResult }
  | { readonly type: 'no-alias'; readonly ref: FunctionRef }
  | { readonly type: 'failed'; readonly ref: FunctionRef; readonly alias?: string; readonly message: string }
  | { readonly type: 'done' };

/**
 * Moves every alias of each function (one function after another, under its lock when `locks` is given):
 * an event per alias moved or not, then `done`. One alias failing does not stop the others.
 */
export async function* promoteFunctions(
  lambda: LambdaPort,
  refs: readonly FunctionRef[],
  move: AliasMove,
  locks?: LockPort,
): AsyncGenerator<PromoteEvent> {
  const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
  for (const ref of refs) {
    let aliases: AliasInfo[];
    try {
      aliases = await lambda.listAliases(ref);
    } catch (e) {
      yield { type: 'failed', ref, message: message(e) };
      continue;
    }
    if (aliases.length === 0) yield { type: 'no-alias', ref };
    for (const a of aliases) {
      try {
        const result = locks
          ? await withFunctionLock(locks, ref, 'promote', () => promoteAlias(lambda, ref, a.name, move))
          : await promoteAlias(lambda, ref, a.name, move);
        yield { type: 'moved', ref, result };
      } catch (e) {
        yield { type: 'failed', ref, alias: a.name, message: message(e) };
      }
    }
  }
  yield { type: 'done' };
}
