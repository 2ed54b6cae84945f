import { IAMClient, paginateSimulatePrincipalPolicy } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { IamPort, PermissionDecision } from '../core/permissions.js';
import type { AwsOptions } from './lambda-port.js';

const DECISIONS = new Set(['allowed', 'explicitDeny', 'implicitDeny']);

/**
 * The IamPort over @aws-sdk/client-iam and client-sts, with the same credentials, profile and endpoint
 * override as the Lambda port (IAM is global: its calls are signed for us-east-1), and fewer retries.
 */
export function createIamPort(options: AwsOptions & { region?: string }): IamPort {
  const common = {
    ...(options.profile && { profile: options.profile }),
    ...(options.endpointUrl && { endpoint: options.endpointUrl }),
    ...(options.staticCredentials && { credentials: options.staticCredentials }),
    // The preflight is advisory: a few attempts, so that an unreachable IAM does not hold a plan up.
    maxAttempts: 3,
    retryMode: options.retryMode ?? 'standard',
  };
  const iam = new IAMClient({ ...common, region: 'us-east-1' });
  const sts = new STSClient({ ...common, region: options.region ?? options.fallbackRegion ?? 'us-east-1' });
  let caller: Promise<string> | undefined;
  return {
    callerArn() {
      // Asked once per run, failure included: every function of a plan gets the same answer.
      caller ??= sts.send(new GetCallerIdentityCommand({})).then((r) => r.Arn ?? '');
      return caller;
    },
    async simulate(principalArn, actions, resources) {
      const out: PermissionDecision[] = [];
      for await (const page of paginateSimulatePrincipalPolicy(
        { client: iam },
        { PolicySourceArn: principalArn, ActionNames: [...actions], ResourceArns: [...resources] },
      )) {
        for (const r of page.EvaluationResults ?? []) {
          const specific = r.ResourceSpecificResults ?? [];
          const rows =
            specific.length > 0
              ? specific.map((s) => ({
                  resource: s.EvalResourceName ?? '',
                  decision: s.EvalResourceDecision,
                }))
              : [{ resource: r.EvalResourceName ?? '*', decision: r.EvalDecision }];
          for (const row of rows) {
            out.push({
              action: r.EvalActionName ?? '',
              resource: row.resource,
              decision: DECISIONS.has(row.decision ?? '')
                ? (row.decision as PermissionDecision['decision'])
                : 'implicitDeny',
            });
          }
        }
      }
      return out;
    },
  };
}
