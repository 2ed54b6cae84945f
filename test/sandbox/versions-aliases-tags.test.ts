import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  GetAccountSettingsCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListTagsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { lambdaClient, ROLE, tinyZip, withSandbox } from '../helpers/sandbox.js';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:svc';

describe('versions, aliases and tags', () => {
  let stop: () => Promise<void>;
  let client: LambdaClient;

  beforeAll(async () => {
    const s = await withSandbox();
    stop = s.stop;
    client = lambdaClient(s.sandbox.url);
    await client.send(
      new CreateFunctionCommand({
        FunctionName: 'svc',
        Runtime: 'provided.al2',
        Handler: 'bootstrap',
        Role: ROLE,
        Code: { ZipFile: await tinyZip('bootstrap', 'v1') },
        Tags: { team: 'a' },
        Publish: true,
      }),
    );
  });
  afterAll(() => stop());

  it('Publish on create made version 1; publishing again with nothing changed returns it', async () => {
    const again = await client.send(new PublishVersionCommand({ FunctionName: 'svc' }));
    expect(again.Version).toBe('1');
    expect(again.FunctionArn).toBe(`${ARN}:1`);
  });

  it('publishes a new version after a change; versions keep their own configuration', async () => {
    await client.send(
      new UpdateFunctionCodeCommand({ FunctionName: 'svc', ZipFile: await tinyZip('bootstrap', 'v2') }),
    );
    await client.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'svc', Runtime: 'provided.al2023' }),
    );
    const latest = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'svc' }));
    await expect(
      client.send(new PublishVersionCommand({ FunctionName: 'svc', CodeSha256: 'wrong' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    const v2 = await client.send(
      new PublishVersionCommand({
        FunctionName: 'svc',
        CodeSha256: latest.CodeSha256,
        RevisionId: latest.RevisionId,
        Description: 'two',
      }),
    );
    expect(v2).toMatchObject({ Version: '2', Runtime: 'provided.al2023', Description: 'two' });
    const v1 = await client.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'svc', Qualifier: '1' }),
    );
    expect(v1.Runtime).toBe('provided.al2');
    expect(v1.CodeSha256).not.toBe(v2.CodeSha256);
    const viaArn = await client.send(new GetFunctionConfigurationCommand({ FunctionName: `${ARN}:1` }));
    expect(viaArn.Version).toBe('1');
    const list = await client.send(new ListVersionsByFunctionCommand({ FunctionName: 'svc' }));
    expect(list.Versions!.map((v) => v.Version)).toEqual(['$LATEST', '1', '2']);
    const all = await client.send(new ListFunctionsCommand({ FunctionVersion: 'ALL' }));
    expect(all.Functions!.map((f) => f.Version)).toEqual(['$LATEST', '1', '2']);
    const plain = await client.send(new ListFunctionsCommand({}));
    expect(plain.Functions!.map((f) => f.Version)).toEqual(['$LATEST']);
  });

  it('aliases: create, weighted routing, get through the alias, update with RevisionId, delete', async () => {
    const alias = await client.send(
      new CreateAliasCommand({
        FunctionName: 'svc',
        Name: 'live',
        FunctionVersion: '1',
        RoutingConfig: { AdditionalVersionWeights: { '2': 0.25 } },
      }),
    );
    expect(alias).toMatchObject({
      AliasArn: `${ARN}:live`,
      FunctionVersion: '1',
      RoutingConfig: { AdditionalVersionWeights: { '2': 0.25 } },
    });
    await expect(
      client.send(new CreateAliasCommand({ FunctionName: 'svc', Name: 'live', FunctionVersion: '1' })),
    ).rejects.toMatchObject({ name: 'ResourceConflictException' });
    await expect(
      client.send(
        new CreateAliasCommand({
          FunctionName: 'svc',
          Name: 'bad',
          FunctionVersion: '$LATEST',
          RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    await expect(
      client.send(new CreateAliasCommand({ FunctionName: 'svc', Name: 'ghost', FunctionVersion: '9' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const through = await client.send(new GetFunctionCommand({ FunctionName: 'svc', Qualifier: 'live' }));
    expect(through.Configuration!.Version).toBe('1');
    await expect(
      client.send(
        new UpdateAliasCommand({
          FunctionName: 'svc',
          Name: 'live',
          FunctionVersion: '2',
          RevisionId: 'stale',
        }),
      ),
    ).rejects.toMatchObject({ name: 'PreconditionFailedException' });
    const moved = await client.send(
      new UpdateAliasCommand({
        FunctionName: 'svc',
        Name: 'live',
        FunctionVersion: '2',
        RoutingConfig: { AdditionalVersionWeights: {} },
        RevisionId: alias.RevisionId,
      }),
    );
    expect(moved.FunctionVersion).toBe('2');
    expect(moved.RoutingConfig).toBeUndefined();
    expect(
      (await client.send(new GetAliasCommand({ FunctionName: 'svc', Name: 'live' }))).FunctionVersion,
    ).toBe('2');
    expect(
      (await client.send(new ListAliasesCommand({ FunctionName: 'svc' }))).Aliases!.map((a) => a.Name),
    ).toEqual(['live']);
    await expect(
      client.send(new DeleteFunctionCommand({ FunctionName: 'svc', Qualifier: '2' })),
    ).rejects.toMatchObject({
      name: 'ResourceConflictException',
    });
    await client.send(new DeleteAliasCommand({ FunctionName: 'svc', Name: 'live' }));
    await expect(
      client.send(new GetAliasCommand({ FunctionName: 'svc', Name: 'live' })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await client.send(new DeleteFunctionCommand({ FunctionName: 'svc', Qualifier: '2' }));
    const list = await client.send(new ListVersionsByFunctionCommand({ FunctionName: 'svc' }));
    expect(list.Versions!.map((v) => v.Version)).toEqual(['$LATEST', '1']);
  });

  it('tags: list, add, remove; GetFunction returns them', async () => {
    expect((await client.send(new ListTagsCommand({ Resource: ARN }))).Tags).toEqual({ team: 'a' });
    await client.send(
      new TagResourceCommand({
        Resource: ARN,
        Tags: { 'aws:cloudformation:stack-name': 'stack', env: 'prod' },
      }),
    );
    await client.send(new UntagResourceCommand({ Resource: ARN, TagKeys: ['team', 'env'] }));
    expect((await client.send(new ListTagsCommand({ Resource: ARN }))).Tags).toEqual({
      'aws:cloudformation:stack-name': 'stack',
    });
    expect((await client.send(new GetFunctionCommand({ FunctionName: 'svc' }))).Tags).toEqual({
      'aws:cloudformation:stack-name': 'stack',
    });
    await expect(
      client.send(new ListTagsCommand({ Resource: 'arn:aws:lambda:us-east-1:123456789012:function:none' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('account settings count the region’s functions', async () => {
    const s = await client.send(new GetAccountSettingsCommand({}));
    expect(s.AccountUsage!.FunctionCount).toBe(1);
    expect(s.AccountLimit!.CodeSizeZipped).toBe(52_428_800);
  });

  it('deleting the function removes it with its versions', async () => {
    await client.send(new DeleteFunctionCommand({ FunctionName: 'svc' }));
    await expect(
      client.send(new GetFunctionCommand({ FunctionName: 'svc', Qualifier: '1' })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});
