/** Turns SSH and remote-command failures into ApplicationFailures with kubeha's failure types. */
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import {
  HostKeyMismatchError,
  HostKeyUnknownError,
  RemoteCommandError,
  SshAbortedError,
  SshAuthError,
  SshConnectError,
  SshError,
  SshTimeoutError,
} from '../ssh/errors';
import { RenderInputError } from '../render/assert';
import { redact } from '../ssh/redact';
import { FailureTypes, NON_RETRYABLE_FAILURE_TYPES } from './types';

type FailureType = (typeof FailureTypes)[keyof typeof FailureTypes];

export function failure(type: FailureType, message: string, details?: unknown): ApplicationFailure {
  const nonRetryable = NON_RETRYABLE.has(type);
  return ApplicationFailure.create({ message: redact(message), type, nonRetryable, details: details === undefined ? undefined : [details] });
}

const NON_RETRYABLE = new Set<string>(NON_RETRYABLE_FAILURE_TYPES);

function withHint(error: SshError): string {
  return error.hint ? `${error.message}\nFix: ${error.hint}` : error.message;
}

/** Failure types of SSH transport problems that are not remote-command exits. */
export const SSH_UNREACHABLE = 'SshUnreachable';
export const SSH_TIMEOUT = 'SshTimeout';

export function toFailure(error: unknown): unknown {
  if (error instanceof ApplicationFailure) return error;
  // A spec value a renderer refuses (validation should have caught it): the same input fails the same way.
  if (error instanceof RenderInputError) return failure(FailureTypes.invalidSpec, error.message);
  if (error instanceof SshAuthError) return failure(FailureTypes.sshAuth, withHint(error));
  if (error instanceof HostKeyMismatchError) return failure(FailureTypes.hostKeyMismatch, withHint(error));
  if (error instanceof HostKeyUnknownError) return failure(FailureTypes.hostKeyUnknown, withHint(error));
  if (error instanceof RemoteCommandError) {
    return failure(FailureTypes.remoteCommand, `${error.message}${error.stderr ? `\n${lastLines(error.stderr)}` : ''}`, {
      host: error.host,
      command: error.command,
      exitCode: error.exitCode,
    });
  }
  // Reported to Temporal as a cancellation, not a failure.
  if (error instanceof SshAbortedError) return new CancelledFailure(redact(error.message));
  if (error instanceof SshTimeoutError) return ApplicationFailure.retryable(redact(error.message), SSH_TIMEOUT);
  if (error instanceof SshConnectError) return ApplicationFailure.retryable(redact(error.message), SSH_UNREACHABLE);
  if (error instanceof SshError) return ApplicationFailure.create({ message: redact(withHint(error)), type: 'SshError', nonRetryable: !error.retryable });
  return error;
}

/** The last `count` lines of `text`, redacted as a whole first (patterns and the given secrets), then cut. */
export function lastLines(text: string, count = 8, secrets: readonly string[] = []): string {
  return redact(text, secrets)
    .trim()
    .split('\n')
    .slice(-count)
    .join('\n');
}
