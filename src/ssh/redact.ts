/** Removes secrets from text bound for logs, errors and heartbeats. */
const PATTERNS: [RegExp, string][] = [
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g, '[REDACTED PRIVATE KEY]'],
  [/\b[a-z0-9]{6}\.[a-z0-9]{16}\b/g, '[REDACTED TOKEN]'],
  [/(?<!sha256:)\b[a-f0-9]{64}\b/gi, '[REDACTED KEY]'],
];

export function redact(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of extraSecrets) {
    if (secret.length >= 4) out = out.split(secret).join('[REDACTED]');
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
