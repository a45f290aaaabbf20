/** Typed SSH failures. `retryable` says whether trying the same thing again can help. */
export type SshOp = 'connect' | 'auth' | 'host-key' | 'exec' | 'write-file' | 'sftp';

export interface SshErrorFields {
  host: string;
  op: SshOp;
  /** The script template name (never its text: it may carry secrets). */
  command?: string;
  exitCode?: number;
  /** Already redacted. */
  stderr?: string;
  stdout?: string;
  hint?: string;
}

export class SshError extends Error {
  readonly host: string;
  readonly op: SshOp;
  readonly command?: string;
  readonly exitCode?: number;
  readonly stderr?: string;
  readonly stdout?: string;
  readonly hint?: string;
  readonly retryable: boolean = true;

  constructor(message: string, fields: SshErrorFields) {
    super(`${fields.host}: ${message}`);
    this.name = new.target.name;
    this.host = fields.host;
    this.op = fields.op;
    this.command = fields.command;
    this.exitCode = fields.exitCode;
    this.stderr = fields.stderr;
    this.stdout = fields.stdout;
    this.hint = fields.hint;
  }
}

/** The key was refused or unreadable: the same key fails again. */
export class SshAuthError extends SshError {
  override readonly retryable = false;
}

/** The host presented a key other than the recorded one. Never retried, never accepted. */
export class HostKeyMismatchError extends SshError {
  override readonly retryable = false;
}

/** The host is not in known_hosts and acceptNewHostKeys is off. */
export class HostKeyUnknownError extends SshError {
  override readonly retryable = false;
}

/** TCP connect refused / unreachable / reset: the host may come back. */
export class SshConnectError extends SshError {}

/** Connect or command exceeded its deadline. */
export class SshTimeoutError extends SshError {}

/** The command was cancelled through its AbortSignal. */
export class SshAbortedError extends SshError {
  override readonly retryable = false;
}

/** A remote command exited non-zero. */
export class RemoteCommandError extends SshError {}
