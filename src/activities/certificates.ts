/** Certificate facts, `kubeadm certs renew all` and the control-plane static-Pod restart on one control plane. */
import { certificatesToRenew, parseCheckExpiration } from '../certificates/expiration';
import { certificateFacts as certificateFactsScript, kubeadmCertsRenewAll, restartControlPlanePods as restartScript } from '../remote/certificates';
import { parseSections, type Section } from '../remote/sections';
import { apiServerBindPort } from '../render';
import { joinHostPort } from '../spec/hosts';
import type { CertificateActivities, CertificateFacts } from './certificate-types';
import type { ActivityDeps } from './deps';
import { failure, lastLines } from './failures';
import { hostStep, type Step } from './step';
import type { HostStepInput } from './types';
import { FailureTypes } from './types';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** openssl's `notAfter=Dec  1 00:11:33 2027 GMT` as an ISO time. */
export function parseOpensslEndDate(text: string | undefined): string | undefined {
  const m = /notAfter=([A-Z][a-z]{2})\s+(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT/.exec(text ?? '');
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1] as string);
  return month < 0 ? undefined : new Date(Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]))).toISOString();
}

/** `rotateCertificates: true` in the kubelet's config; undefined when the line is absent (the kubelet's default, false). */
export function parseRotateCertificates(section: Section | undefined): boolean | undefined {
  const m = /^rotateCertificates:\s*(\S+)/m.exec(section?.output ?? '');
  return m ? m[1] === 'true' : undefined;
}

function endpoints(input: HostStepInput): { hostPort: string; url: string } {
  const hostPort = joinHostPort(input.host.address, apiServerBindPort(input.cluster));
  return { hostPort, url: `https://${hostPort}` };
}

async function readFacts(step: Step, input: HostStepInput): Promise<CertificateFacts> {
  const { hostPort, url } = endpoints(input);
  const sections = parseSections((await step.runChecked(certificateFactsScript.render({ hostPort, readyzUrl: `${url}/readyz` }), { timeoutMs: 60_000 })).stdout);
  const check = sections.get('check-expiration');
  const tables = check && check.code === 0 ? parseCheckExpiration(check.output) : undefined;
  if (!tables) {
    // No kubeadm PKI to read, or kubeadm did not answer: a fact we cannot tell yet, retried.
    throw failure(FailureTypes.hostStateUnclear, `${input.host.name}: kubeadm certs check-expiration did not print its tables (exit ${check?.code ?? '?'}):\n${lastLines(check?.output ?? '', 4)}`);
  }
  const kubeletClientExpires = parseOpensslEndDate(sections.get('kubelet-client')?.output);
  const kubeletRotateCertificates = parseRotateCertificates(sections.get('kubelet-config'));
  const servingNotAfter = parseOpensslEndDate(sections.get('serving')?.output);
  const apiserverCrtNotAfter = parseOpensslEndDate(sections.get('apiserver-crt')?.output);
  return {
    host: input.host.name,
    ...tables,
    ...(kubeletClientExpires ? { kubeletClientExpires } : {}),
    ...(kubeletRotateCertificates !== undefined ? { kubeletRotateCertificates } : {}),
    ...(servingNotAfter ? { servingNotAfter } : {}),
    ...(apiserverCrtNotAfter ? { apiserverCrtNotAfter } : {}),
    ready: sections.get('readyz')?.code === 0,
  };
}

export function createCertificateActivities(deps: ActivityDeps): CertificateActivities {
  return {
    async certificateFacts(input) {
      return readFacts(hostStep(deps, input.host, 'certificate-facts'), input);
    },

    async renewCertificates(input) {
      const step = hostStep(deps, input.host, 'renew-certificates');
      const due = certificatesToRenew(await readFacts(step, input), deps.clock(), input.withinDays);
      if (due.length === 0) {
        step.log(`no certificate expires within ${input.withinDays} days: nothing to renew`);
        return { renewed: false, output: '' };
      }
      step.log(`renewing (within ${input.withinDays} days: ${due.join(', ')})`);
      const result = await step.runChecked(kubeadmCertsRenewAll.render({}), { timeoutMs: 5 * 60_000 });
      return { renewed: true, output: lastLines(result.stdout, 20) };
    },

    async restartControlPlanePods(input) {
      const step = hostStep(deps, input.host, 'restart-control-plane-pods');
      const { hostPort, url } = endpoints(input);
      const timeoutSeconds = Math.max(1, Math.ceil(input.timeoutMs / 1000));
      const result = await step.runChecked(restartScript.render({ hostPort, healthzUrl: `${url}/healthz`, timeoutSeconds }), { timeoutMs: input.timeoutMs + 60_000 });
      return { changed: !result.stdout.includes('already serves') };
    },
  };
}
