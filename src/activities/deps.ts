import type { Logger } from 'pino';
import type { SshRunner } from '../ssh/pool';

export interface ActivityDeps {
  ssh: SshRunner;
  logger: Logger;
  /** Milliseconds since the epoch; injectable for tests. */
  clock: () => number;
}

export interface CreateActivitiesInput {
  /** Defaults to a new SshPool. */
  ssh?: SshRunner;
  logger: Logger;
  clock?: () => number;
}
