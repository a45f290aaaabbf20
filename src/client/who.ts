import { readFileSync } from 'node:fs';
import os from 'node:os';
import { X509Certificate } from 'node:crypto';
import { UsageError } from '../errors';

/** `$USER@hostname`, the default author of approvals and bring-ups. */
export function defaultActor(env: NodeJS.ProcessEnv = process.env): string {
  let user = env.USER ?? env.LOGNAME;
  if (!user) {
    try {
      user = os.userInfo().username;
    } catch {
      user = 'unknown';
    }
  }
  return `${user}@${os.hostname()}`;
}

/**
 * Who is calling, from what the caller cannot simply type: the CN of the mTLS client certificate
 * the server authenticated (`cn:<CN>`), else the OS user of this process (`$USER@hostname`, as on
 * the dev server). Recorded as requester and approver; the workflow refuses self-approval.
 */
export function callerIdentity(flags: { tlsCert?: string }, env: NodeJS.ProcessEnv = process.env): string {
  if (!flags.tlsCert) return defaultActor(env);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(readFileSync(flags.tlsCert));
  } catch (e) {
    throw new UsageError(`cannot read the client certificate ${flags.tlsCert}: ${(e as Error).message}`, 'pass a PEM certificate with --tls-cert');
  }
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1];
  if (!cn) throw new UsageError(`the client certificate ${flags.tlsCert} has no CN to identify you by`, 'use a client certificate issued to a person or service (subject CN)');
  return `cn:${cn}`;
}
