import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

let installed = false;

/** The SDK logs every worker state change at INFO; commands show WARN and up unless asked. */
export function installRuntimeLogging(level: LogLevel = 'WARN'): void {
  if (installed) return;
  installed = true;
  Runtime.install({ logger: new DefaultLogger(level) });
}
