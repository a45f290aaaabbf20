/**
 * pino loggers with secrets scrubbed: known secret fields are censored by path, and every
 * string message goes through the SSH redactor (tokens, certificate keys, private keys).
 */
import pino from 'pino';
import type { Logger, LoggerOptions } from 'pino';
import { redact } from './ssh/redact';

export type { Logger };

const SECRET_PATHS = [
  'token', '*.token', '*.token.token', 'certificateKey', '*.certificateKey', '*.certificateKey.key',
  'key', '*.key', 'privateKey', '*.privateKey', 'password', '*.password',
];

export interface CreateLoggerOptions {
  level?: string;
  name?: string;
  /** Defaults to stderr. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const config: LoggerOptions = {
    name: options.name ?? 'kubeha',
    level: options.level ?? process.env.KUBEHA_LOG_LEVEL ?? 'info',
    redact: { paths: SECRET_PATHS, censor: '[REDACTED]' },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((arg: unknown) => (typeof arg === 'string' ? redact(arg) : arg)) as Parameters<typeof method>;
        method.apply(this, scrubbed);
      },
    },
    formatters: {
      log(object) {
        for (const field of ['stdout', 'stderr', 'output', 'err'] as const) {
          const value = object[field];
          if (typeof value === 'string') object[field] = redact(value);
        }
        return object;
      },
    },
  };
  return pino(config, options.destination ?? pino.destination(2));
}

/** A logger that discards everything (tests, library callers without logging). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
