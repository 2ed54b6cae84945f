import type { Block, Refusal, Risk, SourceProblem } from '../core/findings.js';

/**
 * Where the words are read: `cli` names commands and options (`--source DIR`, `go-lambda-migrate promote`),
 * `wizard` names the wizard's keys and screens instead.
 */
export type Surface = 'cli' | 'wizard';

function sourceText(p: SourceProblem, surface: Surface): string {
  switch (p.kind) {
    case 'ambiguous':
      return `its source is ambiguous (${p.candidates.join(', ')})`;
    case 'no-go':
      return 'Go is not installed';
    case 'not-found':
      return surface === 'cli'
        ? 'no source was found to rebuild it from (pass --source DIR)'
        : 'no source was found to rebuild it from (start the wizard with --source DIR)';
  }
}

/** A risk in words. */
export function riskText(r: Risk, surface: Surface): string {
  switch (r.code) {
    case 'already-migrated':
      return `already on ${r.target} ${r.arch}: nothing to do`;
    case 'managed-by':
      return `managed by ${r.owner}: its next deploy will put the old runtime back unless its definition changes too${surface === 'cli' ? ' (see Infrastructure code below; --iac DIR patches your files, --iac-patch FILE writes the patch)' : ' (see Infrastructure code below)'}`;
    case 'versions-keep-runtime': {
      const aliases = r.aliases.length
        ? ` and alias(es) ${r.aliases.map((a) => `${a.name} → ${a.version}`).join(', ')}`
        : '';
      const how =
        surface === 'cli'
          ? 'move the aliases with go-lambda-migrate promote (--weight for a canary)'
          : 'move the aliases with p on the results screen (all the traffic, or a 10% canary)';
      return `${r.versions} published version(s)${aliases} keep their runtime; only $LATEST changes — after checking it, ${how}`;
    }
    case 'target-deprecated':
      return `${r.runtime} is deprecated too (since ${r.since}; updates blocked from ${r.blockUpdate ?? 'a date to come'}): prefer provided.al2023`;
    case 'rollback-blocked':
      return `AWS no longer accepts ${r.runtime} in updates (since ${r.since}): a rollback can only return to the original binary on provided.* x86_64, or to the published backup version through an alias`;
    case 'rollback-until':
      return `rolling back to ${r.runtime} is possible until ${r.until} (AWS's block-update date); after that, through the published backup version`;
    case 'cgo':
      return 'uses cgo: check the glibc it needs against the target runtime';
    case 'stays-x86':
      return `stays on x86_64: ${sourceText(r.because, surface)}, so it cannot be rebuilt for arm64`;
    case 'request-id-empty':
      return `aws-lambda-go ${r.version} leaves lambdacontext.AwsRequestID empty on provided.* (fixed in ${r.fixedIn}): after the migration, code that logs or returns the request id gets ""; upgrade aws-lambda-go in the source to ${r.fixedIn} or later`;
    case 'fails-on-go1x':
      return 'built with -tags lambda.norpc, the deployed binary cannot run on go1.x: every invocation fails today, and the migration fixes it (no bridge is needed)';
    case 'no-bridge':
      return 'no bridge is possible: between the configuration switch and the code update, invocations fail';
    case 'interrupted':
      return `an interrupted migration (${r.id}, started ${r.startedAt}) is in the journal, at '${r.phase}': ${surface === 'cli' ? 'apply' : 'migrating'} finishes it (${r.left.join(', ')}) from the function's actual state; ${surface === 'cli' ? 'rollback' : 'rolling back'} undoes it`;
    case 'permissions-unchecked':
      return `permissions not checked: ${r.reason}`;
    case 'backup-version-denied':
      return `${r.principal} may not call ${r.actions.join(', ')}: apply goes on without the published backup version (the downloaded backup remains)`;
    case 'note':
      return r.text;
  }
}

/** Why the journal stops apply, in words: the CLI names the command, the wizard its history screen. */
export function refusalText(r: Refusal, surface: Surface): string {
  const how =
    surface === 'cli' ? `run \`go-lambda-migrate rollback ${r.name}\`` : 'roll it back from the history (h)';
  switch (r.code) {
    case 'rollback-interrupted':
      return `a rollback of migration ${r.id} was interrupted: ${how} to finish it, then migrate again`;
    case 'rollback-failed':
      return `the last rollback of migration ${r.id} did not finish (${r.message}): ${how} again before migrating`;
    case 'changed-outside':
      return `it was changed outside go-lambda-migrate during the interrupted migration ${r.id} (now ${r.now}): ${how} to restore the original, or look at it first`;
  }
}

/** Why a function is blocked, in words. */
export function blockText(b: Block, surface: Surface): string {
  switch (b.code) {
    case 'not-go-runtime':
      return `runtime ${b.runtime} is not a Go runtime this tool migrates`;
    case 'code-changed':
      return 'the downloaded code does not match CodeSha256 (the function changed during planning); plan again';
    case 'zip-unusable':
      return `the deployed zip cannot be used: ${b.detail}`;
    case 'not-go':
      return `not a Go binary: ${b.detail}`;
    case 'cannot-rebuild':
      if (b.forced) {
        const why =
          b.source.kind === 'not-found'
            ? surface === 'cli'
              ? 'no source was found under --source'
              : 'no source was found in the source folders'
            : sourceText(b.source, surface);
        return `${surface === 'cli' ? '--strategy rebuild' : 'strategy rebuild'}, but ${why}`;
      }
      return `${b.binary}; ${sourceText(b.source, surface)}`;
    case 'smoke-failed':
      return `the new package failed its local smoke test: ${b.errorType}: ${b.response}`;
    case 'journal-damaged':
      return b.detail;
    case 'refused':
      return refusalText(b.refusal, surface);
    case 'unfinishable':
      return `the interrupted migration ${b.id} cannot be finished: ${b.detail}; ${surface === 'cli' ? `roll it back with \`go-lambda-migrate rollback ${b.name}\`` : 'roll it back from the history (h)'}`;
    case 'permissions-denied':
      return `${b.principal} may not call ${b.actions.join(', ')} on this function: grant them, or run with a role that has them`;
    case 'note':
      return b.text;
  }
}
