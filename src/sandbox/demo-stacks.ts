import { fileURLToPath } from 'node:url';
import type { SandboxStack } from './cloudformation-api.js';

/** The demo's infrastructure code (shipped with the package): what `--iac` reads on the embedded sandbox. */
export const DEMO_IAC_DIR = fileURLToPath(new URL('../../demo/iac/', import.meta.url));

/** The CloudFormation stacks of the demo: shop-prod, deployed by SAM from demo/iac/sam/template.yaml. */
export const DEMO_STACKS: readonly SandboxStack[] = [
  {
    region: 'us-east-1',
    name: 'shop-prod',
    uuid: '6f1c2d3e-0a4b-11ef-9c1d-0a1b2c3d4e5f',
    templateFile: `${DEMO_IAC_DIR}sam/template.yaml`,
    createdAt: '2023-06-12T09:30:00.000Z',
    resources: [
      { logicalId: 'OrdersApiFunction', physicalId: 'orders-api', type: 'AWS::Lambda::Function' },
      { logicalId: 'OrdersApiFunctionAliaslive', physicalId: 'orders-api:live', type: 'AWS::Lambda::Alias' },
    ],
  },
];

/** The tags CloudFormation (and SAM) put on a function they create. */
export function stackTags(stack: SandboxStack, logicalId: string, accountId: string): Record<string, string> {
  return {
    'aws:cloudformation:stack-name': stack.name,
    'aws:cloudformation:logical-id': logicalId,
    'aws:cloudformation:stack-id': `arn:aws:cloudformation:${stack.region}:${accountId}:stack/${stack.name}/${stack.uuid}`,
    'lambda:createdBy': 'SAM',
  };
}
