import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureDebianPackages } from '../../lab/packages';
import { ensureTemporalCli } from '../../src/temporal/ensure-cli';
import { searchAttributeKeys } from '../../src/temporal/search-attributes';
import { TEST_TEMPORAL_ADDRESS_ENV, TEST_TEMPORAL_NAMESPACE } from '../helpers/temporal';

declare global {
  var __KUBEHA_TEMPORAL_ENV__: TestWorkflowEnvironment | undefined;
}

/** The Web UI test drives Debian's chromium; the terminal test runs kubeha in tmux. */
const E2E_PACKAGES = ['chromium', 'tmux'] as const;

/** One real dev server (on a free port, in memory) for the whole e2e run. */
export default async function globalSetup(): Promise<void> {
  const progress = (line: string): void => void process.stderr.write(`e2e setup: ${line}\n`);
  const installed = await ensureDebianPackages(E2E_PACKAGES, 'the Web UI and terminal tests');
  if (installed.length) progress(`installed ${installed.join(', ')}`);
  const cli = await ensureTemporalCli({ env: process.env, progress });
  const executable =
    cli.kind === 'sdk-download'
      ? ({ type: 'cached-download', downloadDir: cli.downloadDir } as const)
      : ({ type: 'existing-path', path: cli.path } as const);
  const options = { server: { executable, ip: '127.0.0.1', namespace: TEST_TEMPORAL_NAMESPACE, searchAttributes: searchAttributeKeys() } };
  let env: TestWorkflowEnvironment | undefined;
  // The SDK waits only a few seconds for the server; a busy 2-core CI machine can miss that once.
  for (let attempt = 1; !env; attempt++) {
    try {
      env = await TestWorkflowEnvironment.createLocal(options);
    } catch (err) {
      if (attempt === 3) throw err;
      progress(`the dev server did not start (attempt ${attempt}): ${err instanceof Error ? err.message : String(err)}; retrying`);
    }
  }
  globalThis.__KUBEHA_TEMPORAL_ENV__ = env;
  process.env[TEST_TEMPORAL_ADDRESS_ENV] = env.address;
}
