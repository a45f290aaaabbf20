import { devServerArgs } from '../../../src/temporal/dev-server';

const base = { ip: '127.0.0.1', port: 7233, uiPort: 8233, namespace: 'default', logLevel: 'warn' as const, dbFile: '/state/temporal.db', headless: false };

it('starts a persistent dev server with the UI and every kubeha search attribute', () => {
  expect(devServerArgs(base)).toEqual([
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', '7233',
    '--ui-port', '8233',
    '--db-filename', '/state/temporal.db',
    '--sqlite-pragma', 'journal_mode=wal',
    '--sqlite-pragma', 'synchronous=normal',
    '--namespace', 'default',
    '--search-attribute', 'KubehaCluster=Keyword',
    '--search-attribute', 'KubehaPhase=Keyword',
    '--search-attribute', 'KubehaHost=Keyword',
    '--dynamic-config-value', 'frontend.enableServerVersionCheck=false',
    '--dynamic-config-value', 'matching.useNewMatcher=true',
    '--dynamic-config-value', 'history.transferProcessorMaxPollRPS=200',
    '--dynamic-config-value', 'system.enableActivityEagerExecution=true',
    '--log-level', 'warn',
  ]);
});

it('drops the UI port when headless and passes a codec endpoint to the UI', () => {
  const headless = devServerArgs({ ...base, headless: true });
  expect(headless).toContain('--headless');
  expect(headless).not.toContain('--ui-port');
  const withCodec = devServerArgs({ ...base, uiCodecEndpoint: 'http://127.0.0.1:8888' });
  expect(withCodec.slice(withCodec.indexOf('--ui-codec-endpoint'), withCodec.indexOf('--ui-codec-endpoint') + 2)).toEqual(['--ui-codec-endpoint', 'http://127.0.0.1:8888']);
});
