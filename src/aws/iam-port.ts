import { IAMClient, paginateSimulatePrincipalPolicy } from '@aws-sdk/client-iam';
import type { IamPort, PermissionDecision } from '../core/permissions.js';
import { awsCommon, createCallerIdentity } from './caller.js';
import type { AwsOptions } from './lambda-port.js';

const DECISIONS = new Set(['allowed', 'explicitDeny', 'implicitDeny']);

/**
 * The IamPort over @aws-sdk/client-iam and client-sts, with the same credentials, profile and endpoint
 * override as the Lambda port (IAM is global: its calls are signed for us-east-1), and fewer retries.
 */
export function createIamPort(
  options: AwsOptions & { region?: string },
  callerArn: () => Promise<string> = createCallerIdentity(options),
): IamPort {
  const iam = new IAMClient({ ...awsCommon(options), region: 'us-east-1' });
  return {
    callerArn,
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
