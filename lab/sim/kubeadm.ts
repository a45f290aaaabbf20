/** The simulated `kubeadm`: dispatches to one module per subcommand. */
import type { SimContext } from './context';
import { SimExit } from './errors';
import { parseArgs } from './flags';
import type { ParsedArgs } from './flags';
import { certificateKey, checkExpiration, renew } from './kubeadm/certs';
import { printDefaults } from './kubeadm/config-print';
import { init } from './kubeadm/init';
import { initPhase } from './kubeadm/init-phase';
import { join } from './kubeadm/join';
import { joinPhase } from './kubeadm/join-phase';
import { reset } from './kubeadm/reset';
import { tokenCreate, tokenDelete, tokenList } from './kubeadm/token';
import { upgrade } from './kubeadm/upgrade';
import { version } from './kubeadm/version';
import { newToken } from './kubeadm/tokens';
import { runMain } from './main';
import { out } from './output';

const BOOLEANS = new Set([
  'upload-certs', 'control-plane', 'force', 'print-join-command', 'discovery-token-unsafe-skip-ca-verification',
  'dry-run', 'yes', 'skip-token-print', 'skip-certificate-key-print', 'help',
]);

type Handler = (p: ParsedArgs, ctx: SimContext) => Promise<number>;

const HANDLERS: Array<[string[], Handler]> = [
  [['init', 'phase'], initPhase],
  [['init'], init],
  [['join', 'phase'], joinPhase],
  [['join'], join],
  [['reset'], reset],
  [['token', 'create'], tokenCreate],
  [['token', 'list'], tokenList],
  [['token', 'delete'], tokenDelete],
  [['token', 'generate'], async () => (out(`${newToken()}\n`), 0)],
  [['certs', 'certificate-key'], certificateKey],
  [['certs', 'check-expiration'], checkExpiration],
  [['certs', 'renew'], renew],
  [['config', 'print'], printDefaults],
  [['upgrade'], upgrade],
  [['version'], version],
];

runMain('kubeadm', async (args, ctx) => {
  const p = parseArgs(args, BOOLEANS, { f: 'force', o: 'output', y: 'yes' });
  const words = p.positional;
  const match = HANDLERS.find(([path]) => path.every((w, i) => words[i] === w));
  if (!match) {
    throw new SimExit(`unknown command "${words.join(' ')}" for "kubeadm"\nRun 'kubeadm --help' for usage.`, 1);
  }
  const [path, handler] = match;
  if (path.length === 1 && path[0] === 'join') p.positional = words.slice(1);
  return handler(p, ctx);
});
