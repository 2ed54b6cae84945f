import type { Architecture } from '../lambda/lifecycle.js';

/**
 * What plan found about a function, as codes with their facts and no words: the CLI and the wizard each say
 * them in their own terms (src/ui/plan-words.ts). `note` carries the text of a plan saved before codes
 * existed.
 */

/** Why the Go source cannot be used for a rebuild. */
export type SourceProblem =
  | { readonly kind: 'not-found' }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly string[] }
  | { readonly kind: 'no-go' };

/** Something apply or the user should know; the level says how much it matters. */
export type Finding =
  | { readonly code: 'already-migrated'; readonly target: string; readonly arch: Architecture }
  | {
      readonly code: 'managed-by';
      readonly owner: string;
      readonly target: string;
      readonly arch: Architecture;
    }
  | {
      readonly code: 'versions-keep-runtime';
      readonly versions: number;
      readonly aliases: readonly { readonly name: string; readonly version: string }[];
    }
  | {
      readonly code: 'target-deprecated';
      readonly runtime: string;
      readonly since: string;
      readonly blockUpdate: string | null;
    }
  | { readonly code: 'rollback-blocked'; readonly runtime: string; readonly since: string }
  | { readonly code: 'rollback-until'; readonly runtime: string; readonly until: string }
  | { readonly code: 'cgo' }
  | { readonly code: 'stays-x86'; readonly because: SourceProblem }
  | { readonly code: 'no-bridge' }
  /** aws-lambda-go v1.18.0–v1.19.0: lambdacontext.AwsRequestID is empty on the Runtime API path. */
  | { readonly code: 'request-id-empty'; readonly version: string; readonly fixedIn: string }
  /** A lambda.norpc binary deployed on go1.x: every invocation fails today. */
  | { readonly code: 'fails-on-go1x' }
  | {
      readonly code: 'interrupted';
      readonly id: string;
      readonly startedAt: string;
      readonly phase: string;
      readonly left: readonly string[];
    }
  | { readonly code: 'permissions-unchecked'; readonly reason: string }
  | {
      readonly code: 'backup-version-denied';
      readonly principal: string;
      readonly actions: readonly string[];
    }
  | { readonly code: 'note'; readonly text: string };

export type RiskLevel = 'info' | 'warning' | 'danger';

export type Risk = { readonly level: RiskLevel } & Finding;

/** Why the journal stops apply from touching a function until something else is done first. */
export type Refusal =
  | { readonly code: 'rollback-interrupted'; readonly id: string; readonly name: string }
  | { readonly code: 'rollback-failed'; readonly id: string; readonly name: string; readonly message: string }
  | {
      readonly code: 'changed-outside';
      readonly id: string;
      readonly name: string;
      /** What the function is now: runtime, handler, architecture and CodeSha256. */
      readonly now: string;
    };

/** A refusal in words that suit any surface (no command or key named): what apply's result says. */
export function refusalSentence(r: Refusal): string {
  switch (r.code) {
    case 'rollback-interrupted':
      return `a rollback of migration ${r.id} was interrupted: finish that rollback, then migrate again`;
    case 'rollback-failed':
      return `the last rollback of migration ${r.id} did not finish (${r.message}): roll it back again before migrating`;
    case 'changed-outside':
      return `it was changed outside go-lambda-migrate during the interrupted migration ${r.id} (now ${r.now}): roll it back to restore the original, or look at it first`;
  }
}

/** Why a function cannot be migrated. */
export type Block =
  | { readonly code: 'not-go-runtime'; readonly runtime: string }
  | { readonly code: 'code-changed' }
  | { readonly code: 'zip-unusable'; readonly detail: string }
  | { readonly code: 'not-go'; readonly detail: string }
  | {
      readonly code: 'cannot-rebuild';
      /** Why the deployed binary cannot be repackaged (the inspection's first reason). */
      readonly binary: string;
      readonly source: SourceProblem;
      /** --strategy rebuild was asked for. */
      readonly forced: boolean;
    }
  | { readonly code: 'smoke-failed'; readonly errorType: string; readonly response: string }
  | { readonly code: 'journal-damaged'; readonly detail: string }
  | { readonly code: 'refused'; readonly refusal: Refusal }
  | { readonly code: 'unfinishable'; readonly id: string; readonly detail: string; readonly name: string }
  | { readonly code: 'permissions-denied'; readonly principal: string; readonly actions: readonly string[] }
  | { readonly code: 'note'; readonly text: string };
