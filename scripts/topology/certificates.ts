/** The CA and certificates, made by the same script docker-compose.yml's README tells people to run. */
import { COMPOSE_FILES, CLI_CERT_NAME } from './layout';
import { runTool } from './exec';

export async function generateCertificates(dir: string): Promise<void> {
  await runTool({
    command: 'sh',
    args: [COMPOSE_FILES.generateCerts, dir, CLI_CERT_NAME],
    env: { ...process.env, DAYS: '2' },
    what: 'generating the CA and certificates (deploy/tls/generate-dev-certs.sh)',
    hint: 'it needs openssl (apt-get install openssl)',
  });
}
