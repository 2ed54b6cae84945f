/**
 * An error the user can act on: a message, a hint that says what to do next, and the exit code.
 * Anything else that reaches the entry point is a bug and is reported with its stack.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** A command line that does not parse: exit code 2. */
export class UsageError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, hint, 2);
    this.name = 'UsageError';
  }
}
