import { UserError } from '../errors.js';
import type { AwsErrorKind } from '../core/ports.js';

/** An AWS call that failed, mapped to something the user can act on. */
export class AwsError extends UserError {
  constructor(
    readonly kind: AwsErrorKind,
    message: string,
    hint?: string,
    readonly awsName?: string,
  ) {
    super(message, hint);
    this.name = 'AwsError';
  }
}

const KINDS: Record<string, [AwsErrorKind, string]> = {
  ResourceNotFoundException: [
    'not-found',
    'Check the name and --region; `go-lambda-migrate scan` lists the candidates.',
  ],
  TooManyRequestsException: [
    'throttled',
    'Lambda throttled the calls even after retries; try again, or lower --concurrency.',
  ],
  ThrottlingException: [
    'throttled',
    'Lambda throttled the calls even after retries; try again, or lower --concurrency.',
  ],
  ThrottledException: [
    'throttled',
    'AWS throttled the calls even after retries; try again, or lower --concurrency.',
  ],
  AccessDeniedException: [
    'access-denied',
    'The credentials in use lack a permission: see the README for the IAM actions the tool needs.',
  ],
  ResourceConflictException: [
    'conflict',
    'The function is being updated; wait for LastUpdateStatus Successful and try again.',
  ],
  PreconditionFailedException: [
    'precondition',
    'The function changed since it was read; run the command again.',
  ],
  InvalidParameterValueException: ['invalid', 'Lambda refused a value; the message says which.'],
  ValidationException: ['invalid', 'Lambda refused a value; the message says which.'],
  ServiceException: ['service', 'Lambda failed internally even after retries; try again in a minute.'],
  UnrecognizedClientException: [
    'credentials',
    'The credentials are not valid: check --profile, AWS_PROFILE or your SSO session.',
  ],
  ExpiredTokenException: ['credentials', 'The session has expired: log in again (aws sso login) and retry.'],
  CredentialsProviderError: [
    'credentials',
    'No AWS credentials found: set --profile, AWS_PROFILE or AWS_ACCESS_KEY_ID, or use --sandbox.',
  ],
};

/** Maps an SDK error (or a network failure) to an AwsError; anything unrecognised passes through. */
export function mapAwsError(e: unknown, what: string): unknown {
  if (!(e instanceof Error)) return e;
  const name = e.name;
  // Past a runtime's block-update date, Lambda answers InvalidParameterValueException with this wording.
  if (
    name === 'InvalidParameterValueException' &&
    /no longer supported for creating or updating/.test(e.message)
  )
    return new AwsError(
      'runtime-blocked',
      `${what}: ${e.message}`,
      'AWS no longer accepts this runtime in updates: roll back through the published backup version.',
      name,
    );
  const known = KINDS[name];
  if (known) return new AwsError(known[0], `${what}: ${e.message}`, known[1], name);
  if (/Region is missing/i.test(e.message)) {
    return new AwsError(
      'region',
      `${what}: no AWS region is set.`,
      'Pass --region, set AWS_REGION, or give your profile a region.',
    );
  }
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || name === 'TimeoutError') {
    return new AwsError(
      'network',
      `${what}: cannot reach the Lambda endpoint (${code ?? name}).`,
      'Check the network, --endpoint-url, or start the sandbox.',
    );
  }
  return e;
}
