import { compareVersions } from './elf.js';
import type { Architecture, RuntimeLifecycle } from '../lambda/lifecycle.js';

/** The facts a verdict is drawn from (all read from the binary). */
export interface BinaryFacts {
  readonly isElf: boolean;
  readonly arch: Architecture | 'other' | null;
  readonly linkage: 'static' | 'dynamic' | null;
  readonly glibc: string | null;
  readonly goVersion: string | null;
  readonly lambdaLibrary: { readonly path: string; readonly version: string } | null;
  readonly runtimeApi: boolean | null;
  readonly rpc: boolean | null;
  readonly cgo: boolean | null;
  readonly tags: readonly string[];
}

export type Verdict = 'repackage-ok' | 'rebuild-required' | 'not-go';

/** What the binary allows, and why. */
export interface Assessment {
  readonly verdict: Verdict;
  readonly reasons: string[];
  /**
   * What rebuilding for arm64 takes beyond the source and Go; `possible` is false, with `why`, for a binary
   * that is not a Go program, and `needs` is empty for one already built for arm64.
   */
  readonly arm64Rebuild: { readonly possible: boolean; readonly needs: string[]; readonly why?: string };
}

/** What a range of aws-lambda-go releases does (checked against the real releases by the tests). */
export interface LibraryRange {
  /** The first release of the range (the range ends where the next one begins). */
  readonly since: string;
  /** It has a Runtime API client (used when AWS_LAMBDA_RUNTIME_API is set). */
  readonly runtimeApi: boolean;
  /** On the Runtime API path, lambdacontext.AwsRequestID stays empty. */
  readonly emptyRequestId: boolean;
}

/**
 * The ranges, oldest first. Before v1.18.0 only go1.x's RPC: `lambda.Start` listens on
 * `localhost:$_LAMBDA_SERVER_PORT` and, with the variable unset, on a random port, forever. v1.18.0 added the
 * Runtime API client and the `lambda.norpc` tag; v1.18.0 and v1.19.0 leave AwsRequestID empty on that path,
 * v1.19.1 fills it.
 */
export const LAMBDA_GO_RANGES: readonly LibraryRange[] = [
  { since: 'v0.0.0', runtimeApi: false, emptyRequestId: false },
  { since: 'v1.18.0', runtimeApi: true, emptyRequestId: true },
  { since: 'v1.19.1', runtimeApi: true, emptyRequestId: false },
];

/** The first aws-lambda-go release with a Runtime API client (2020-07-15). */
export const RUNTIME_API_SINCE = 'v1.18.0';
/** The first release whose Runtime API path fills lambdacontext.AwsRequestID. */
export const REQUEST_ID_SINCE = 'v1.19.1';

/** What the release `version` does; a development build (`(devel)`) counts as the newest. */
export function libraryRange(version: string): LibraryRange {
  if (version === '(devel)') return LAMBDA_GO_RANGES.at(-1)!;
  let found = LAMBDA_GO_RANGES[0]!;
  for (const r of LAMBDA_GO_RANGES) if (compareModuleVersions(version, r.since) >= 0) found = r;
  return found;
}

/** Compares two Go module versions (`v1.2.3`, pre-release and metadata ignored). */
export function compareModuleVersions(a: string, b: string): number {
  const clean = (v: string) => v.replace(/^v/, '').replace(/[-+].*$/, '');
  return compareVersions(clean(a), clean(b));
}

/**
 * Decides whether a deployed binary can move to `target` as it is (repackaged as `bootstrap`, keeping its
 * architecture) or must be rebuilt, with the reasons a person needs to act on.
 */
export function assessBinary(facts: BinaryFacts, target: string, lifecycle: RuntimeLifecycle): Assessment {
  const reasons: string[] = [];
  const needs: string[] = ['the function’s Go source'];
  if (!facts.isElf) {
    return {
      verdict: 'not-go',
      reasons: ['not an ELF executable: Lambda cannot run it on go1.x or provided.*'],
      arm64Rebuild: {
        possible: false,
        needs: [],
        why: 'not an executable: there is no Go program to rebuild',
      },
    };
  }
  if (!facts.goVersion) {
    reasons.push('an ELF executable without Go build info: not a Go program (or built before Go 1.13)');
    if (facts.runtimeApi)
      reasons.push('it mentions AWS_LAMBDA_RUNTIME_API, so it may already run as a custom runtime');
    return {
      verdict: 'not-go',
      reasons,
      arm64Rebuild: {
        possible: false,
        needs: [],
        why: 'not a Go program: this tool rebuilds Go sources only',
      },
    };
  }
  let verdict: Verdict = 'repackage-ok';
  if (facts.arch === 'other') {
    verdict = 'rebuild-required';
    reasons.push('built for neither x86_64 nor arm64');
  }
  const lib = facts.lambdaLibrary;
  if (facts.runtimeApi === false) {
    verdict = 'rebuild-required';
    if (lib && !libraryRange(lib.version).runtimeApi) {
      reasons.push(
        `aws-lambda-go ${lib.version} predates ${RUNTIME_API_SINCE}: it only serves go1.x's RPC protocol; on provided.* it never asks for an event and hangs until the init phase times out (10 s, Sandbox.Timedout). Rebuilding needs aws-lambda-go ${REQUEST_ID_SINCE} or later in the source's go.mod`,
      );
    } else
      reasons.push(
        'the binary has no Runtime API client (no AWS_LAMBDA_RUNTIME_API): it cannot run on provided.*',
      );
  } else if (facts.runtimeApi) {
    reasons.push(lib ? `speaks the Runtime API (aws-lambda-go ${lib.version})` : 'speaks the Runtime API');
    if (lib && libraryRange(lib.version).emptyRequestId)
      reasons.push(
        `aws-lambda-go ${lib.version} leaves lambdacontext.AwsRequestID empty on the Runtime API path (fixed in ${REQUEST_ID_SINCE}): code that logs or returns the request id gets "" after the migration; upgrade aws-lambda-go to ${REQUEST_ID_SINCE} or later`,
      );
  }
  const targetGlibc = lifecycle.get(target)?.glibc;
  if (facts.linkage === 'dynamic') {
    if (facts.glibc && targetGlibc && compareVersions(facts.glibc, targetGlibc) > 0) {
      verdict = 'rebuild-required';
      reasons.push(
        `dynamically linked against GLIBC_${facts.glibc}, but ${target} has glibc ${targetGlibc}: it would fail with "GLIBC_${facts.glibc} not found"`,
      );
    } else {
      reasons.push(
        `dynamically linked (glibc ${facts.glibc ?? 'version unknown'}${targetGlibc ? `; ${target} has ${targetGlibc}` : ''})`,
      );
    }
  } else if (facts.linkage === 'static') reasons.push('statically linked: no glibc dependency');
  if (facts.cgo) {
    needs.push(
      'a C cross compiler for arm64 (e.g. aarch64-linux-gnu-gcc) because it uses cgo — or stay on x86_64',
    );
  }
  if (facts.tags.includes('lambda.norpc')) {
    reasons.push(
      'built with -tags lambda.norpc: it cannot serve go1.x (deployed on go1.x, every invocation fails), so it must never be used to roll back to go1.x',
    );
  } else if (facts.rpc && facts.runtimeApi) {
    reasons.push(
      'also serves go1.x’s RPC protocol, so a bridge zip (bootstrap link to the handler) can run on both runtimes',
    );
  }
  if (verdict === 'repackage-ok' && facts.arch === 'x86_64') {
    reasons.push(
      'repackaging keeps x86_64; moving to arm64 (about 20% cheaper per ms) needs a rebuild from source',
    );
  }
  if (facts.arch === 'arm64') return { verdict, reasons, arm64Rebuild: { possible: true, needs: [] } };
  const possible = facts.arch !== 'other';
  return { verdict, reasons, arm64Rebuild: { possible, needs } };
}
