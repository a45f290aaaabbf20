import pino, { type Logger } from 'pino';

/** Logs go to stderr so stdout stays for what the command prints on purpose. */
export function createCommandLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  return pino({ level: env.KUBEHA_LOG_LEVEL || 'info' }, pino.destination(2));
}
