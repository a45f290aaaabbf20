/** `kubeadm version [-o short|json|yaml]`. */
import type { SimContext } from '../context';
import { SimExit } from '../errors';
import type { ParsedArgs } from '../flags';
import { packageGitVersion, readNodeState } from '../node-state';
import { out } from '../output';

export async function version(p: ParsedArgs, _ctx: SimContext): Promise<number> {
  const v = packageGitVersion(readNodeState(), 'kubeadm');
  const [major, minor] = v.replace(/^v/, '').split('.');
  const info = {
    major, minor, gitVersion: v, gitCommit: '39683505b630ff2121012f3c5b16215a1449d5ed', gitTreeState: 'clean',
    buildDate: '2024-06-11T20:27:59Z', goVersion: 'go1.22.4', compiler: 'gc', platform: 'linux/amd64',
  };
  const o = p.flags.get('output');
  if (o === 'short') out(`${v}\n`);
  else if (o === 'json') out(`${JSON.stringify({ clientVersion: info }, null, 2)}\n`);
  else if (o === undefined) {
    const fields = Object.entries(info).map(([k, val]) => `${k[0]?.toUpperCase()}${k.slice(1)}:"${val}"`).join(', ');
    out(`kubeadm version: &version.Info{${fields}}\n`);
  } else throw new SimExit(`error: invalid output format: ${o}`, 1);
  return 0;
}
