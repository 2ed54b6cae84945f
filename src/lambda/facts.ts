/**
 * Facts of AWS Lambda that the tool and its sandbox both rely on. This folder imports nothing of the
 * project's: the migration core and the sandbox read the same facts from here, never copies of them.
 */

/** Lambda's per-region control-plane quotas: GetFunction 100 req/s, every other control-plane call 15 req/s. */
export const LAMBDA_QUOTAS = { getFunction: 100, control: 15 } as const;

/** The runtimes a Go function can run on: go1.x's RPC, and the OS-only runtimes that run `bootstrap`. */
export const GO_RUNTIMES: ReadonlySet<string> = new Set([
  'go1.x',
  'provided',
  'provided.al2',
  'provided.al2023',
]);

/** The deprecated runtimes Go functions still run on: what scan looks for by default. */
export const DEPRECATED_GO_RUNTIMES: readonly string[] = ['go1.x', 'provided.al2', 'provided'];

/**
 * The IAM principal whose policies apply to a caller: an assumed-role session maps to its role (a path on the
 * role is not in the session ARN, so such a role is not found); users and roles stay as they are.
 * Undefined for callers IAM cannot simulate (the root user, federated users).
 */
export function principalFor(callerArn: string): string | undefined {
  const assumed = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn);
  if (assumed) return `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}`;
  if (/^arn:aws[a-z-]*:iam::\d{12}:(user|role)\/.+$/.test(callerArn)) return callerArn;
  return undefined;
}
