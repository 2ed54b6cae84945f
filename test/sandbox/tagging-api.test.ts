import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateFunctionCommand } from '@aws-sdk/client-lambda';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { lambdaClient, ROLE, tinyZip, withSandbox } from '../helpers/sandbox.js';
import { aws } from '../helpers/awscli.js';

const arn = (name: string, region = 'eu-west-1') => `arn:aws:lambda:${region}:123456789012:function:${name}`;

describe('the Resource Groups Tagging API (GetResources) over the sandbox functions', () => {
  let stop: () => Promise<void>;
  let url: string;
  let tagging: ResourceGroupsTaggingAPIClient;

  beforeAll(async () => {
    const s = await withSandbox({ defaultRegion: 'eu-west-1' });
    stop = s.stop;
    url = s.sandbox.url;
    const lambda = lambdaClient(url, 'eu-west-1');
    const make = async (name: string, tags?: Record<string, string>) =>
      lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: 'provided.al2023',
          Handler: 'bootstrap',
          Role: ROLE,
          Code: { ZipFile: await tinyZip() },
          ...(tags && { Tags: tags }),
        }),
      );
    await make('stack-fn', { 'aws:cloudformation:stack-name': 'shop', 'lambda:createdBy': 'SAM' });
    await make('tf-fn', { 'managed-by': 'terraform' });
    await make('untagged');
    for (let i = 0; i < 5; i++) await make(`many-${i}`, { team: i % 2 ? 'odd' : 'even' });
    tagging = new ResourceGroupsTaggingAPIClient({
      endpoint: url,
      region: 'eu-west-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox-secret' },
    });
  });
  afterAll(() => stop());

  it('returns the tags of the ARNs asked for; untagged and unknown functions are left out', async () => {
    const out = await tagging.send(
      new GetResourcesCommand({
        ResourceARNList: [arn('stack-fn'), arn('untagged'), arn('nope'), arn('tf-fn', 'us-east-1')],
      }),
    );
    expect(out.ResourceTagMappingList).toEqual([
      {
        ResourceARN: arn('stack-fn'),
        Tags: [
          { Key: 'aws:cloudformation:stack-name', Value: 'shop' },
          { Key: 'lambda:createdBy', Value: 'SAM' },
        ],
      },
    ]);
  });

  it('refuses ResourceARNList with filters or paging, or more than 100 ARNs, as AWS does', async () => {
    await expect(
      tagging.send(
        new GetResourcesCommand({
          ResourceARNList: [arn('tf-fn')],
          ResourceTypeFilters: ['lambda:function'],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(
      tagging.send(new GetResourcesCommand({ ResourceARNList: [arn('tf-fn')], ResourcesPerPage: 10 })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(
      tagging.send(
        new GetResourcesCommand({ ResourceARNList: Array.from({ length: 101 }, (_, i) => arn(`f${i}`)) }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('lists every tagged function in pages, filtered by resource type and tags', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await tagging.send(
        new GetResourcesCommand({
          ResourceTypeFilters: ['lambda:function'],
          ResourcesPerPage: 3,
          ...(token && { PaginationToken: token }),
        }),
      );
      pages++;
      seen.push(...(out.ResourceTagMappingList ?? []).map((m) => m.ResourceARN!));
      token = out.PaginationToken || undefined;
    } while (token);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(
      ['many-0', 'many-1', 'many-2', 'many-3', 'many-4', 'stack-fn', 'tf-fn'].map((n) => arn(n)),
    );
    const odd = await tagging.send(
      new GetResourcesCommand({ TagFilters: [{ Key: 'team', Values: ['odd'] }] }),
    );
    expect(odd.ResourceTagMappingList?.map((m) => m.ResourceARN)).toEqual([arn('many-1'), arn('many-3')]);
    const ec2 = await tagging.send(new GetResourcesCommand({ ResourceTypeFilters: ['ec2:instance'] }));
    expect(ec2.ResourceTagMappingList).toEqual([]);
  });

  it('answers the AWS CLI', async () => {
    const r = await aws(
      url,
      'eu-west-1',
      ['get-resources', '--resource-arn-list', arn('tf-fn'), arn('untagged')],
      'resourcegroupstaggingapi',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // The CLI's paginator drops the empty PaginationToken.
    expect(r.json).toEqual({
      ResourceTagMappingList: [
        { ResourceARN: arn('tf-fn'), Tags: [{ Key: 'managed-by', Value: 'terraform' }] },
      ],
    });
    const all = await aws(
      url,
      'eu-west-1',
      [
        'get-resources',
        '--resource-type-filters',
        'lambda:function',
        '--tag-filters',
        'Key=team,Values=even',
      ],
      'resourcegroupstaggingapi',
    );
    expect(all.code).toBe(0);
    expect(
      (all.json as { ResourceTagMappingList: { ResourceARN: string }[] }).ResourceTagMappingList.map(
        (m) => m.ResourceARN,
      ),
    ).toEqual([arn('many-0'), arn('many-2'), arn('many-4')]);
  });
});
