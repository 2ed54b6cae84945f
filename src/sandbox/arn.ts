import { validation } from './api-error.js';

const NAME = /^[a-zA-Z0-9-_]{1,64}$/;
const QUALIFIER = /^(\$LATEST|[a-zA-Z0-9-_]{1,128})$/;
const FULL_ARN =
  /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9-_]+)(?::([a-zA-Z0-9-_$]+))?$/;
const PARTIAL_ARN = /^(\d{12}):function:([a-zA-Z0-9-_]+)(?::([a-zA-Z0-9-_$]+))?$/;

/** A FunctionName parameter, as Lambda accepts it (name, name:qualifier, partial or full ARN), parsed. */
export interface FunctionName {
  readonly name: string;
  readonly qualifier: string | undefined;
}

/** Parses a FunctionName path parameter; ValidationException when it is none of Lambda's forms. */
export function parseFunctionName(raw: string): FunctionName {
  let m = FULL_ARN.exec(raw);
  if (m) return { name: m[3]!, qualifier: m[4] };
  m = PARTIAL_ARN.exec(raw);
  if (m) return { name: m[2]!, qualifier: m[3] };
  const [name, qualifier, extra] = raw.split(':');
  if (
    extra === undefined &&
    name &&
    NAME.test(name) &&
    (qualifier === undefined || QUALIFIER.test(qualifier))
  ) {
    return { name, qualifier };
  }
  throw validation(
    'functionName',
    raw,
    'Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?',
  );
}

/** True when `name` is a valid function name. */
export function isValidFunctionName(name: string): boolean {
  return NAME.test(name);
}

/** A function's ARN, qualified when `qualifier` is given. */
export function functionArn(region: string, account: string, name: string, qualifier?: string): string {
  const base = `arn:aws:lambda:${region}:${account}:function:${name}`;
  return qualifier ? `${base}:${qualifier}` : base;
}
