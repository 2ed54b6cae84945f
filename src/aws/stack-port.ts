import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import type { StackPort } from '../core/ports.js';
import { call, clientOptions, perRegion, type AwsOptions } from './lambda-port.js';

/** The StackPort over @aws-sdk/client-cloudformation: read-only, one client per region. */
export function createStackPort(options: AwsOptions = {}): StackPort {
  const client = perRegion((region) => new CloudFormationClient(clientOptions(options, region)));
  return {
    template: (region, stack) =>
      call(`GetTemplate of stack ${stack} in ${region}`, async () => {
        // Original: a SAM template as written, not the transformed one CloudFormation ran.
        const out = await client(region).send(
          new GetTemplateCommand({ StackName: stack, TemplateStage: 'Original' }),
        );
        return out.TemplateBody ?? '';
      }),
    ownerOf: async (region, physicalId) => {
      try {
        const out = await client(region).send(
          new DescribeStackResourcesCommand({ PhysicalResourceId: physicalId }),
        );
        const r = out.StackResources?.find((x) => x.PhysicalResourceId === physicalId);
        return r?.StackName && r.LogicalResourceId
          ? { stack: r.StackName, logicalId: r.LogicalResourceId }
          : null;
      } catch (e) {
        // "Stack for X does not exist": no stack owns it.
        if ((e as { name?: string }).name === 'ValidationError') return null;
        throw e;
      }
    },
  };
}
