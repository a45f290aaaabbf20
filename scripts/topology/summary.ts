/** What a passing run proved, as the lines `npm run topology` ends with. */
import * as path from 'node:path';
import { POSTGRES_MAJOR } from './postgres';
import type { TopologyResult } from './run';
import { TEMPORAL_SERVER_VERSION } from './server-build';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function summaryLines(result: TopologyResult): string[] {
  const { layout, binaries, mtls, bringUp } = result;
  return [
    'topology: PASSED',
    `  Temporal server ${TEMPORAL_SERVER_VERSION} (go install, ${binaries.built ? 'built now' : 'cached'}: ${path.dirname(binaries.server)}) on PostgreSQL ${POSTGRES_MAJOR}, frontend ${layout.frontendAddress}`,
    `  databases temporal + temporal_visibility made by temporal-sql-tool from the module's schema/postgresql/v12`,
    `  mTLS: ${mtls.filter((m) => m.refused).map((m) => m.client).join('; ')}: refused; ${mtls.filter((m) => !m.refused).map((m) => m.client).join('; ')}: answered`,
    `  bring-up of ${bringUp.cluster} requested by ${bringUp.requestedBy ?? '?'} (the kubeha up certificate's CN)`,
    `  Temporal server SIGKILLed during ${bringUp.killedDuring}, back ${seconds(bringUp.restartedAt - bringUp.killedAt)} later; finished after the kill: ${bringUp.finishedAfterKill.join(', ')}`,
    `  kubeha up --follow exited 0 after ${seconds(bringUp.upWallMs)}; lab: etcd members ${bringUp.lab.etcdMembers.join(', ')}; Ready nodes ${bringUp.lab.readyNodes.join(', ')}`,
    `  wall time ${seconds(result.wallMs)}; logs in ${layout.logDir}`,
  ];
}
