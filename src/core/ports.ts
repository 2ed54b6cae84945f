import type { Architecture } from './lifecycle.js';

/** Which function: a region, a name, and optionally a version or alias. */
export interface FunctionRef {
  readonly region: string;
  readonly name: string;
  readonly qualifier?: string;
}

/** A function's configuration, in the project's own words. */
export interface FunctionConfig {
  readonly name: string;
  readonly arn: string;
  readonly region: string;
  readonly version: string;
  readonly runtime: string | undefined;
  readonly handler: string | undefined;
  readonly architectures: readonly Architecture[];
  readonly memorySize: number;
  readonly timeout: number;
  readonly codeSha256: string;
  readonly codeSize: number;
  readonly revisionId: string;
  readonly lastModified: string;
  readonly description: string;
  readonly state: string | undefined;
  readonly lastUpdateStatus: string | undefined;
}

/** GetFunction's answer: configuration, where to download the code, tags. */
export interface FunctionWithCode {
  readonly config: FunctionConfig;
  readonly codeLocation: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** What can go wrong talking to AWS, in terms a person can act on. */
export type AwsErrorKind =
  | 'not-found'
  | 'throttled'
  | 'access-denied'
  | 'conflict'
  | 'precondition'
  | 'invalid'
  | 'service'
  | 'network'
  | 'credentials'
  | 'region';

/** Lambda, as the tool needs it. Implemented over the SDK (src/aws) and by in-memory fakes in tests. */
export interface LambdaPort {
  /** GetFunction: configuration, a time-limited code URL and tags. */
  getFunction(ref: FunctionRef): Promise<FunctionWithCode>;
  /** Downloads a function's zip from its code URL. */
  downloadCode(location: string): Promise<Buffer>;
  /** The region used when none is given (the profile's or the environment's), or undefined. */
  defaultRegion(): Promise<string | undefined>;
}
