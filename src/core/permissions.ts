import type { StepName } from './journal.js';
import { principalFor } from '../lambda/facts.js';

/** IAM's verdict on one action against one resource. */
export interface PermissionDecision {
  readonly action: string;
  readonly resource: string;
  readonly decision: 'allowed' | 'explicitDeny' | 'implicitDeny';
}

/** IAM (and STS), as the permission preflight needs them. Implemented over the SDK (src/aws). */
export interface IamPort {
  /** The caller's ARN, as STS GetCallerIdentity reports it. */
  callerArn(): Promise<string>;
  /** iam:SimulatePrincipalPolicy for `principalArn`: each action against each resource. */
  simulate(
    principalArn: string,
    actions: readonly string[],
    resources: readonly string[],
  ): Promise<PermissionDecision[]>;
}

/** What the preflight found for one function. */
export type PermissionReport =
  | { readonly status: 'checked'; readonly principal: string; readonly denied: PermissionDecision[] }
  | { readonly status: 'unchecked'; readonly reason: string };

/** The IAM action each step of a migration calls. */
const STEP_ACTIONS: Readonly<Record<StepName, readonly string[]>> = {
  preflight: ['lambda:GetFunctionConfiguration'],
  backup: ['lambda:GetFunction', 'lambda:PublishVersion'],
  bridge: ['lambda:UpdateFunctionCode'],
  configuration: ['lambda:UpdateFunctionConfiguration'],
  code: ['lambda:UpdateFunctionCode'],
  verify: ['lambda:InvokeFunction'],
};

/** Actions whose refusal does not stop a migration: the published backup version is best effort. */
const BEST_EFFORT = new Set(['lambda:PublishVersion']);

/** The IAM actions a plan's steps need (apply and rollback), in a stable order. */
export function actionsFor(steps: readonly { readonly action: StepName }[]): string[] {
  return [...new Set(['lambda:GetFunction', ...steps.flatMap((s) => STEP_ACTIONS[s.action])])].sort();
}

/**
 * Asks IAM whether the caller may call `actions` on `functionArn`. A caller IAM cannot simulate, or a
 * simulation the caller may not run, gives `unchecked` with the reason: the preflight then says it did
 * not check, and the migration is not held back by it.
 */
export async function checkPermissions(
  iam: IamPort,
  functionArn: string,
  actions: readonly string[],
): Promise<PermissionReport> {
  let caller: string;
  try {
    caller = await iam.callerArn();
  } catch (e) {
    return { status: 'unchecked', reason: `the caller is unknown (${(e as Error).message})` };
  }
  const principal = principalFor(caller);
  if (!principal) return { status: 'unchecked', reason: `IAM cannot simulate the policies of ${caller}` };
  try {
    const decisions = await iam.simulate(principal, actions, [functionArn]);
    return { status: 'checked', principal, denied: decisions.filter((d) => d.decision !== 'allowed') };
  } catch (e) {
    return { status: 'unchecked', reason: (e as Error).message };
  }
}

/** Whether a refusal blocks the migration, or only its best-effort parts. */
export const blocks = (d: PermissionDecision) => !BEST_EFFORT.has(d.action);
