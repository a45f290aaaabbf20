import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';

export interface LoadedActivities {
  activities: object;
  /** Set when the real activities are not built in: what the user should know. */
  warning?: string;
}

interface ActivitiesModule {
  createActivities?: (deps: { logger: Logger }) => object;
}

/**
 * The real activities from src/activities/index (`createActivities(deps)`), loaded at run time
 * so the worker keeps building while that module is being written.
 */
export function loadKubehaActivities(logger: Logger, dir = join(__dirname, '..', 'activities')): LoadedActivities {
  const candidates = ['index.js', 'index.ts'].map((f) => join(dir, f));
  const modulePath = candidates.find((f) => existsSync(f));
  if (!modulePath) {
    return { activities: {}, warning: `no activities module in ${dir}: workflows will wait on their activities until a worker that has them runs` };
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(modulePath) as ActivitiesModule;
  if (typeof mod.createActivities !== 'function') {
    return { activities: {}, warning: `${modulePath} exports no createActivities(deps): workflows will wait on their activities` };
  }
  return { activities: mod.createActivities({ logger }) };
}
