/**
 * Errors the CLI knows how to present. Anything else that reaches the top-level catch is a
 * bug and is reported as one (exit 70) without dumping a stack trace unless KUBEHA_DEBUG is set.
 */
export class KubehaError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** What the user should do about it. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad command-line usage. */
export class UsageError extends KubehaError {
  constructor(message: string, hint?: string) {
    super(message, 2, hint);
  }
}

/** The spec (or another input file) is invalid; `problems` are `FILE:LINE:COL: message` lines. */
export class InputError extends KubehaError {
  constructor(
    message: string,
    readonly problems: string[] = [],
    hint?: string,
  ) {
    super(message, 2, hint);
  }
}

/** An operation ran and failed (a workflow failed, a host did not answer...). */
export class OperationError extends KubehaError {
  constructor(message: string, hint?: string) {
    super(message, 1, hint);
  }
}

/** Something the CLI needs is missing or unreachable (Temporal server, a binary, a package). */
export class EnvironmentError extends KubehaError {
  constructor(message: string, hint?: string) {
    super(message, 3, hint);
  }
}
