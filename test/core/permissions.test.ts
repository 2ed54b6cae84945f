import { describe, expect, it } from 'vitest';
import { actionsFor } from '../../src/core/permissions.js';
import { principalFor } from '../../src/lambda/facts.js';

describe('permissions', () => {
  it('maps an assumed-role session to its role; keeps users and roles; gives up on root and federated users', () => {
    expect(principalFor('arn:aws:sts::111122223333:assumed-role/Admin/alice@example.com')).toBe(
      'arn:aws:iam::111122223333:role/Admin',
    );
    expect(principalFor('arn:aws-cn:sts::111122223333:assumed-role/Ops/s')).toBe(
      'arn:aws-cn:iam::111122223333:role/Ops',
    );
    expect(principalFor('arn:aws:iam::111122223333:user/ci/deployer')).toBe(
      'arn:aws:iam::111122223333:user/ci/deployer',
    );
    expect(principalFor('arn:aws:iam::111122223333:root')).toBeUndefined();
    expect(principalFor('arn:aws:sts::111122223333:federated-user/bob')).toBeUndefined();
  });

  it('asks for the actions the plan steps call, reading included', () => {
    expect(
      actionsFor([
        { action: 'preflight' },
        { action: 'backup' },
        { action: 'configuration' },
        { action: 'code' },
      ]),
    ).toEqual([
      'lambda:GetFunction',
      'lambda:GetFunctionConfiguration',
      'lambda:PublishVersion',
      'lambda:UpdateFunctionCode',
      'lambda:UpdateFunctionConfiguration',
    ]);
    expect(actionsFor([{ action: 'verify' }])).toContain('lambda:InvokeFunction');
  });
});
