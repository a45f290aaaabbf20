import type { Command } from 'commander';
import { registerValidate } from './validate';
import { registerPlan } from './plan';
import { registerDev } from './dev';
import { registerWorker } from './worker';
import { registerLab } from './lab';
import { registerDemo } from './demo';
import { registerUp } from './up';
import { registerStatus } from './status';
import { registerApproval } from './approval';
import { registerCancel } from './cancel';
import { registerCodec } from './codec';
import { registerUpgrade } from './upgrade';
import { registerReset } from './reset';
import { registerDrill } from './drill';
import { registerRejoin } from './rejoin';
import { registerReplace } from './replace';
import { registerCerts } from './certs';
import { registerApply } from './apply';
import { registerOps } from './ops';
import { registerClusters } from './clusters';

/** Every command lives in its own module and only loads its heavy dependencies when it runs. */
export function registerCommands(program: Command): void {
  for (const register of [
    registerValidate,
    registerPlan,
    registerUp,
    registerStatus,
    registerApproval,
    registerCancel,
    registerUpgrade,
    registerReset,
    registerDrill,
    registerRejoin,
    registerReplace,
    registerCerts,
    registerApply,
    registerOps,
    registerClusters,
    registerCodec,
    registerDev,
    registerWorker,
    registerDemo,
    registerLab,
  ]) {
    register(program);
  }
}
