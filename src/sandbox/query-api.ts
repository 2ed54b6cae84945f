import { randomUUID } from 'node:crypto';
import { principalFor } from '../lambda/facts.js';

/**
 * What the sandbox says of the caller's permissions: the caller's ARN (as STS reports it) and the
 * actions it is denied, each `ACTION` or `ACTION@NAME-GLOB` (a function name pattern with `*`).
 */
export interface IdentityOptions {
  readonly callerArn: string;
  readonly deny: readonly string[];
}

/** The identity the sandbox answers with by default: a role assumed through SSO, as most people work. */
export const defaultCallerArn = (accountId: string) =>
  `arn:aws:sts::${accountId}:assumed-role/sandbox-admin/go-lambda-migrate`;

/** An answer of the Query protocol (STS and IAM): an HTTP status and an XML document. */
export interface QueryAnswer {
  readonly status: number;
  readonly operation: string;
  readonly xml: string;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function errorXml(status: number, operation: string, code: string, message: string): QueryAnswer {
  return {
    status,
    operation,
    xml:
      `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>` +
      `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  };
}

const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

/** True when `--deny` refuses `action` on `resource` (a function ARN or name). */
export function isDenied(options: IdentityOptions, action: string, resource: string): boolean {
  const name = /:function:([^:]+)/.exec(resource)?.[1] ?? resource;
  return options.deny.some((d) => {
    const [a, pattern] = d.split('@', 2);
    return a === action && (!pattern || glob(pattern).test(name));
  });
}

/** `Key.member.N` values of a form body, in order. */
const members = (form: URLSearchParams, key: string) =>
  [...form.entries()]
    .filter(([k]) => k.startsWith(`${key}.member.`))
    .sort(([a], [b]) => Number(a.split('.').pop()) - Number(b.split('.').pop()))
    .map(([, v]) => v);

/**
 * STS GetCallerIdentity and IAM SimulatePrincipalPolicy, the two calls of the permission preflight, in the
 * Query protocol (form-encoded POST, XML answers). Every other action is refused as unknown.
 */
export function answerQuery(form: URLSearchParams, accountId: string, options: IdentityOptions): QueryAnswer {
  const action = form.get('Action') ?? '';
  const requestId = `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>`;
  switch (action) {
    case 'GetCallerIdentity':
      return {
        status: 200,
        operation: action,
        xml:
          `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
          `<Arn>${escapeXml(options.callerArn)}</Arn><UserId>AROASANDBOX:go-lambda-migrate</UserId>` +
          `<Account>${accountId}</Account></GetCallerIdentityResult>${requestId}</GetCallerIdentityResponse>`,
      };
    case 'SimulatePrincipalPolicy': {
      if (isDenied(options, 'iam:SimulatePrincipalPolicy', '*')) {
        return errorXml(
          403,
          action,
          'AccessDenied',
          `User: ${options.callerArn} is not authorized to perform: iam:SimulatePrincipalPolicy`,
        );
      }
      const source = form.get('PolicySourceArn') ?? '';
      if (source !== principalFor(options.callerArn)) {
        return errorXml(404, action, 'NoSuchEntity', `The principal ${source} cannot be found.`);
      }
      const actions = members(form, 'ActionNames');
      const resources = members(form, 'ResourceArns');
      const results = actions.flatMap((a) =>
        (resources.length > 0 ? resources : ['*']).map(
          (r) =>
            `<member><EvalActionName>${escapeXml(a)}</EvalActionName><EvalResourceName>${escapeXml(r)}</EvalResourceName>` +
            `<EvalDecision>${isDenied(options, a, r) ? 'implicitDeny' : 'allowed'}</EvalDecision>` +
            // Always present, empty when empty, as IAM sends them.
            `<MatchedStatements/><MissingContextValues/></member>`,
        ),
      );
      return {
        status: 200,
        operation: action,
        xml:
          `<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><SimulatePrincipalPolicyResult>` +
          `<IsTruncated>false</IsTruncated><EvaluationResults>${results.join('')}</EvaluationResults>` +
          `</SimulatePrincipalPolicyResult>${requestId}</SimulatePrincipalPolicyResponse>`,
      };
    }
    default:
      return errorXml(
        400,
        action || 'Unknown',
        'InvalidAction',
        `The action ${action} is not valid for this endpoint.`,
      );
  }
}
