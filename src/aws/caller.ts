import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsOptions } from './lambda-port.js';

/** Client settings the IAM and STS clients share: the Lambda port's credentials, profile and endpoint. */
export function awsCommon(options: AwsOptions) {
  return {
    ...(options.profile && { profile: options.profile }),
    ...(options.endpointUrl && { endpoint: options.endpointUrl }),
    ...(options.staticCredentials && { credentials: options.staticCredentials }),
    // The preflight and the header are advisory: a few attempts, so that an unreachable IAM or STS does not
    // hold a plan up.
    maxAttempts: 3,
    retryMode: options.retryMode ?? 'standard',
  };
}

/**
 * Who the calls are made as: STS GetCallerIdentity's ARN, asked once per run (failure included: the header and
 * every function of a plan get the same answer). Over client-sts alone, so that the wizard's header does not
 * wait for the IAM client to load.
 */
export function createCallerIdentity(options: AwsOptions & { region?: string }): () => Promise<string> {
  let caller: Promise<string> | undefined;
  return () => {
    caller ??= new STSClient({
      ...awsCommon(options),
      region: options.region ?? options.fallbackRegion ?? 'us-east-1',
    })
      .send(new GetCallerIdentityCommand({}))
      .then((r) => r.Arn ?? '');
    return caller;
  };
}
