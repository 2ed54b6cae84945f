import { createLambdaPort } from '../aws/lambda-port.js';
import { quotaPacer } from '../core/pacing.js';
import type { LambdaPort } from '../core/ports.js';
import { UsageError, UserError } from '../errors.js';
import type { GlobalOptions } from '../cli/global.js';

/** The real Lambda port for the command line's global options. */
export function lambdaPortFor(globals: GlobalOptions): LambdaPort {
  return createLambdaPort({
    pace: quotaPacer(),
    ...(globals.profile && { profile: globals.profile }),
    ...(globals.endpointUrl && { endpointUrl: globals.endpointUrl }),
    ...(globals.sandbox && {
      fallbackRegion: 'us-east-1',
      staticCredentials: { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox' },
    }),
  });
}

/** The one region a single-function command works in. */
export async function singleRegion(globals: GlobalOptions, port: LambdaPort): Promise<string> {
  if (globals.regions.length > 1 || globals.regions[0] === 'all') {
    throw new UsageError('this command works on one function in one region: give a single --region.');
  }
  const region =
    globals.regions[0] ?? (await port.defaultRegion()) ?? (globals.sandbox ? 'us-east-1' : undefined);
  if (!region)
    throw new UserError(
      'no AWS region is set.',
      'Pass --region, set AWS_REGION, or give your profile a region.',
    );
  return region;
}
