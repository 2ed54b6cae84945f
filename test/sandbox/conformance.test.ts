import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { ROUTES } from '../../src/sandbox/routes.js';
import { XMLParser } from 'fast-xml-parser';
import { loadModel, validateAnswer, validateQueryAnswer, type RawAnswer } from '../helpers/api-model.js';
import { tinyZip, withSandbox } from '../helpers/sandbox.js';

/**
 * The sandbox's raw answers, checked against the official Lambda model that botocore ships (the referee the
 * project did not write): members, types, enums, patterns, required members, where each member travels, the
 * status, and for errors the shape their type names, which must be one the operation lists.
 */
const model = loadModel('lambda', '2015-03-31');
/** Errors any AWS API may answer, which the model does not list per operation. */
const ANY_OPERATION = ['ValidationException', 'AccessDeniedException', 'UnrecognizedClientException'];
/** What Lambda sends but the model cannot say, each with why. */
const ALLOWED = [
  // During an update Lambda sends LastUpdateStatusReasonCode `Creating`, which the enum lacks.
  /LastUpdateStatusReasonCode: 'Creating' is not in LastUpdateStatusReasonCode's enum/,
];
const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
const ARN = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const ROLE = 'arn:aws:iam::123456789012:role/lambda-role';

async function send(url: string, method: string, path: string, body?: unknown): Promise<RawAnswer> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws4_request, Signature=0',
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

const deviations = (op: string, a: RawAnswer) =>
  validateAnswer(model, op, a, ANY_OPERATION).filter((d) => !ALLOWED.some((re) => re.test(d)));
const doc = (a: RawAnswer) => JSON.parse(a.body) as Record<string, unknown>;
const settle = () => new Promise((r) => setTimeout(r, 450));

describe('the sandbox against the official Lambda API model', () => {
  let url: string;
  let stop: () => Promise<void>;
  const found: string[] = [];
  const check = async (op: string, method: string, path: string, body?: unknown) => {
    const a = await send(url, method, path, body);
    found.push(...deviations(op, a).map((d) => `${method} ${path}: ${d}`));
    return a;
  };

  beforeAll(async () => {
    const s = await withSandbox({ updateDelayMs: 300 });
    url = s.sandbox.url;
    stop = s.stop;
  });
  afterAll(() => stop());

  it('every served operation, success and error cases, answers as the model says', async () => {
    const zip = (await tinyZip()).toString('base64');
    const F = '/2015-03-31/functions';
    const create = {
      FunctionName: 'c1',
      Runtime: 'provided.al2023',
      Handler: 'bootstrap',
      Role: ROLE,
      Code: { ZipFile: zip },
    };
    // Being created: State, StateReason and StateReasonCode; no LastUpdateStatus until creation completes.
    const created = doc(await check('CreateFunction', 'POST', F, create));
    expect(created.State).toBe('Pending');
    expect(created).not.toHaveProperty('LastUpdateStatus');
    const pending = doc(await check('GetFunctionConfiguration', 'GET', `${F}/c1/configuration`));
    expect(pending).not.toHaveProperty('LastUpdateStatus');
    expect(pending.RuntimeVersionConfig).toMatchObject({
      RuntimeVersionArn: expect.stringMatching(/::runtime:/) as unknown,
    });
    await check('CreateFunction', 'POST', F, create); // ResourceConflictException
    await settle();
    const got = doc(await check('GetFunction', 'GET', `${F}/c1`));
    expect(got.Configuration).toMatchObject({ LastUpdateStatus: 'Successful', RuntimeVersionConfig: {} });
    // ListFunctions leaves out the state, the last update and RuntimeVersionConfig.
    for (const q of ['', '?FunctionVersion=ALL']) {
      const list = doc(await check('ListFunctions', 'GET', `${F}/${q}`)).Functions as Record<
        string,
        unknown
      >[];
      for (const f of list)
        for (const k of [
          'State',
          'StateReason',
          'StateReasonCode',
          'LastUpdateStatus',
          'RuntimeVersionConfig',
        ])
          expect(f).not.toHaveProperty(k);
    }
    await check('UpdateFunctionConfiguration', 'PUT', `${F}/c1/configuration`, { Description: 'x' });
    await check('GetFunctionConfiguration', 'GET', `${F}/c1/configuration`); // InProgress
    await check('UpdateFunctionConfiguration', 'PUT', `${F}/c1/configuration`, { RevisionId: 'stale' });
    await settle();
    await check('UpdateFunctionCode', 'PUT', `${F}/c1/code`, {
      ZipFile: (await tinyZip('bootstrap', 'v2')).toString('base64'),
    });
    await settle();
    await check('PublishVersion', 'POST', `${F}/c1/versions`, {});
    await check('ListVersionsByFunction', 'GET', `${F}/c1/versions`);
    await settle();
    await check('CreateAlias', 'POST', `${F}/c1/aliases`, { Name: 'live', FunctionVersion: '1' });
    await check('GetAlias', 'GET', `${F}/c1/aliases/live`);
    await check('UpdateAlias', 'PUT', `${F}/c1/aliases/live`, { FunctionVersion: '$LATEST' });
    await check('ListAliases', 'GET', `${F}/c1/aliases`);
    await check('DeleteAlias', 'DELETE', `${F}/c1/aliases/live`);
    // Deleting an alias of a function that is not there: the model lists no ResourceNotFoundException.
    expect((await check('DeleteAlias', 'DELETE', `${F}/ghost/aliases/live`)).status).toBe(204);
    await check('TagResource', 'POST', `/2017-03-31/tags/${ARN('c1')}`, { Tags: { team: 'a' } });
    await check('ListTags', 'GET', `/2017-03-31/tags/${ARN('c1')}`);
    await check('UntagResource', 'DELETE', `/2017-03-31/tags/${ARN('c1')}?tagKeys=team`);
    await check('GetAccountSettings', 'GET', '/2016-08-19/account-settings');
    await check('Invoke', 'POST', `${F}/c1/invocations`, {});
    // A missing function: ResourceNotFoundException, whose shape spells `Message`.
    const missing = await check('GetFunctionConfiguration', 'GET', `${F}/ghost/configuration`);
    expect(doc(missing)).toHaveProperty('Message');
    await check('GetFunction', 'GET', `${F}/ghost`);
    await check('DeleteFunction', 'DELETE', `${F}/c1`);
    expect(found).toEqual([]);
  });

  it('a throttled call: TooManyRequestsException with Retry-After in the header only', async () => {
    const s = await withSandbox({ throttle: true });
    try {
      let throttled: RawAnswer | undefined;
      for (let i = 0; i < 60 && !throttled; i++) {
        const a = await send(s.sandbox.url, 'GET', '/2015-03-31/functions/');
        if (a.status === 429) throttled = a;
      }
      expect(throttled).toBeDefined();
      expect(deviations('ListFunctions', throttled!)).toEqual([]);
      expect(doc(throttled!)).not.toHaveProperty('retryAfterSeconds');
      expect(throttled!.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      await s.stop();
    }
  });

  it('an internal error: ServiceException, whose shape spells `Message`', async () => {
    const s = await withSandbox({ faultRate: 1 });
    try {
      const a = await send(s.sandbox.url, 'GET', '/2015-03-31/functions/x/configuration');
      expect(a.status).toBe(500);
      expect(deviations('GetFunctionConfiguration', a)).toEqual([]);
      expect(doc(a)).toHaveProperty('Message');
    } finally {
      await s.stop();
    }
  });

  it('IAM SimulatePrincipalPolicy returns MatchedStatements and MissingContextValues, empty when empty', async () => {
    const iam = new IAMClient({
      region: 'us-east-1',
      endpoint: url,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const out = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: 'arn:aws:iam::123456789012:role/sandbox-admin',
        ActionNames: ['lambda:GetFunction'],
        ResourceArns: [ARN('c1')],
      }),
    );
    expect(out.EvaluationResults?.[0]).toMatchObject({ MatchedStatements: [], MissingContextValues: [] });
  });

  it('STS GetCallerIdentity and IAM SimulatePrincipalPolicy answer as their models say', async () => {
    const xml = new XMLParser({
      ignoreAttributes: true,
      parseTagValue: false,
      isArray: (name) => name === 'member',
    });
    const query = async (form: Record<string, string>) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
      expect(res.status).toBe(200);
      return res.text();
    };
    const sts = loadModel('sts', '2011-06-15');
    const iamModel = loadModel('iam', '2010-05-08');
    const who = await query({ Action: 'GetCallerIdentity', Version: '2011-06-15' });
    expect(validateQueryAnswer(sts, 'GetCallerIdentity', who, (x) => xml.parse(x))).toEqual([]);
    // The referee can fail: a misspelt element is a deviation.
    const misspelt = who.replace('<Account>', '<Acount>').replace('</Account>', '</Acount>');
    expect(validateQueryAnswer(sts, 'GetCallerIdentity', misspelt, (x) => xml.parse(x))).toEqual([
      'GetCallerIdentity.Acount: not a member of GetCallerIdentityResponse',
    ]);
    const sim = await query({
      Action: 'SimulatePrincipalPolicy',
      Version: '2010-05-08',
      PolicySourceArn: 'arn:aws:iam::123456789012:role/sandbox-admin',
      'ActionNames.member.1': 'lambda:GetFunction',
      'ActionNames.member.2': 'lambda:UpdateFunctionCode',
      'ResourceArns.member.1': ARN('c1'),
    });
    expect(validateQueryAnswer(iamModel, 'SimulatePrincipalPolicy', sim, (x) => xml.parse(x))).toEqual([]);
  });

  it('lists which of the model’s operations the sandbox serves, and the README names each of them', () => {
    const served = [...ROUTES.map((r) => r.name).filter((n) => n !== 'ImportFunction'), 'Invoke'].sort();
    const all = Object.keys(model.operations).sort();
    for (const op of served) expect(all, `${op} is not a Lambda operation`).toContain(op);
    console.log(
      `the sandbox serves ${served.length} of the model's ${all.length} Lambda operations: ${served.join(', ')}`,
    );
    const readmeNames = (op: string) =>
      README.includes(op) ||
      (/^(Create|Get|Update|Delete|List)Alias(es)?$/.test(op) &&
        README.includes('Create/Get/Update/Delete/ListAliases')) ||
      (/^(ListTags|TagResource|UntagResource)$/.test(op) &&
        README.includes('ListTags/TagResource/UntagResource'));
    expect(served.filter((op) => !readmeNames(op))).toEqual([]);
  });
});
