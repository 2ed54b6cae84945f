/** An error answered the way Lambda answers it: status, `x-amzn-ErrorType`, JSON `{Type, message}`. */
export class LambdaApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly extraBody: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = type;
  }

  /** The JSON body Lambda sends with this error (the message's key is the one its model shape names). */
  body(): Record<string, unknown> {
    const key = CAPITAL_MESSAGE.has(this.type) ? 'Message' : 'message';
    return { Type: this.status >= 500 ? 'Service' : 'User', [key]: this.message, ...this.extraBody };
  }
}

/** Errors whose model shape spells the member `Message` (the others, and ValidationException, `message`). */
const CAPITAL_MESSAGE = new Set(['ResourceNotFoundException', 'ServiceException', 'ResourceInUseException']);

export const notFound = (message: string) => new LambdaApiError(404, 'ResourceNotFoundException', message);
export const invalidParameter = (message: string) =>
  new LambdaApiError(400, 'InvalidParameterValueException', message);
export const conflict = (message: string) => new LambdaApiError(409, 'ResourceConflictException', message);
export const preconditionFailed = (message: string) =>
  new LambdaApiError(412, 'PreconditionFailedException', message);
export const tooLarge = (message: string) =>
  new LambdaApiError(413, 'RequestEntityTooLargeException', message);
export const serviceError = () =>
  new LambdaApiError(
    500,
    'ServiceException',
    'Lambda encountered an internal error (injected by the sandbox).',
  );
export const tooManyRequests = (retryAfterSeconds: number) =>
  new LambdaApiError(
    429,
    'TooManyRequestsException',
    'Rate exceeded',
    { Reason: 'CallerRateLimitExceeded' },
    { 'Retry-After': String(retryAfterSeconds) },
  );

/** A model-level constraint failure, worded as AWS words it ("1 validation error detected: ..."). */
export function validation(field: string, value: unknown, constraint: string) {
  return new LambdaApiError(
    400,
    'ValidationException',
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}
