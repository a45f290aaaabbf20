import type { Logger } from 'pino';
import type { SshRunner } from '../ssh/pool';
import type { WorkerFiles } from './worker-files';

export interface ActivityDeps {
  ssh: SshRunner;
  logger: Logger;
  /** Milliseconds since the epoch; injectable for tests. */
  clock: () => number;
  /**
   * The worker's own files (SSH keys, known_hosts, manifests). Unset only where tests or an
   * embedding hand in their own SSH runner: then the spec's paths are used as they are.
   */
  files?: WorkerFiles;
}

export interface CreateActivitiesInput {
  /** Defaults to a new SshPool. */
  ssh?: SshRunner;
  logger: Logger;
  clock?: () => number;
  files?: WorkerFiles;
}
