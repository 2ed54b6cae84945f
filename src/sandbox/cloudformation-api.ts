import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { QueryAnswer } from './query-api.js';

/** A CloudFormation stack the sandbox knows: its template (a file) and the functions it created. */
export interface SandboxStack {
  readonly region: string;
  readonly name: string;
  /** A fixed id suffix, so that the stack id is the same on every start. */
  readonly uuid: string;
  readonly templateFile: string;
  readonly createdAt: string;
  readonly resources: readonly { logicalId: string; physicalId: string; type: string }[];
}

const XMLNS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const ACTIONS = new Set(['GetTemplate', 'DescribeStackResources', 'DescribeStacks']);

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const stackId = (s: SandboxStack, accountId: string) =>
  `arn:aws:cloudformation:${s.region}:${accountId}:stack/${s.name}/${s.uuid}`;

function answer(action: string, status: number, inner: string): QueryAnswer {
  const requestId = `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>`;
  return {
    status,
    operation: action,
    xml:
      status === 200
        ? `<${action}Response xmlns="${XMLNS}"><${action}Result>${inner}</${action}Result>${requestId}</${action}Response>`
        : `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>${escapeXml(inner)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  };
}

/** True for the CloudFormation actions the sandbox answers. */
export const isCloudFormationAction = (action: string | null) => action !== null && ACTIONS.has(action);

/**
 * CloudFormation's read calls over the sandbox's demo stacks, in the Query protocol: GetTemplate (the
 * template as written, for either stage: the sandbox runs no SAM transform), DescribeStackResources (by
 * stack or by a resource's physical id) and DescribeStacks.
 */
export async function answerCloudFormation(
  form: URLSearchParams,
  region: string,
  accountId: string,
  stacks: readonly SandboxStack[],
): Promise<QueryAnswer> {
  const action = form.get('Action') ?? '';
  const inRegion = stacks.filter((s) => s.region === region);
  const byName = (name: string | null) =>
    inRegion.find((s) => s.name === name || stackId(s, accountId) === name);
  const missing = (name: string) => answer(action, 400, `Stack with id ${name} does not exist`);
  switch (action) {
    case 'GetTemplate': {
      const name = form.get('StackName') ?? '';
      const stack = byName(name);
      if (!stack) return missing(name);
      const body = await readFile(stack.templateFile, 'utf8');
      return answer(
        action,
        200,
        `<TemplateBody>${escapeXml(body)}</TemplateBody><StagesAvailable><member>Original</member><member>Processed</member></StagesAvailable>`,
      );
    }
    case 'DescribeStackResources': {
      const physical = form.get('PhysicalResourceId');
      const name = form.get('StackName');
      const stack = physical
        ? inRegion.find((s) => s.resources.some((r) => r.physicalId === physical))
        : byName(name);
      if (!stack)
        return physical ? answer(action, 400, `Stack for ${physical} does not exist`) : missing(name ?? '');
      const logical = form.get('LogicalResourceId');
      const members = stack.resources
        .filter((r) => (!physical || r.physicalId === physical) && (!logical || r.logicalId === logical))
        .map(
          (r) =>
            `<member><StackName>${stack.name}</StackName><StackId>${stackId(stack, accountId)}</StackId>` +
            `<LogicalResourceId>${escapeXml(r.logicalId)}</LogicalResourceId><PhysicalResourceId>${escapeXml(r.physicalId)}</PhysicalResourceId>` +
            `<ResourceType>${escapeXml(r.type)}</ResourceType><Timestamp>${stack.createdAt}</Timestamp><ResourceStatus>CREATE_COMPLETE</ResourceStatus></member>`,
        );
      return answer(action, 200, `<StackResources>${members.join('')}</StackResources>`);
    }
    case 'DescribeStacks': {
      const name = form.get('StackName');
      const chosen = name ? byName(name) : undefined;
      if (name && !chosen) return missing(name);
      const members = (chosen ? [chosen] : inRegion).map(
        (s) =>
          `<member><StackName>${s.name}</StackName><StackId>${stackId(s, accountId)}</StackId>` +
          `<CreationTime>${s.createdAt}</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus></member>`,
      );
      return answer(action, 200, `<Stacks>${members.join('')}</Stacks>`);
    }
    default:
      return answer(action, 400, `The action ${action} is not valid for this endpoint.`);
  }
}
