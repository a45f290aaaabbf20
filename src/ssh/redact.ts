/**
 * Removes secrets from text bound for logs, errors, heartbeats and failures. Redaction works on
 * whole text (or whole lines, for streamed output) and always before anything is cut short, so
 * a secret split across two chunks or by a truncation cannot slip through.
 */
const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;
const PATTERNS: [RegExp, string][] = [
  [PRIVATE_KEY, '[REDACTED PRIVATE KEY]'],
  // base64 of "-----BEGIN": a PEM blob carried base64-encoded (kubeconfig client-key-data, Secret data).
  [/LS0tLS1CRUdJTi[A-Za-z0-9+/]*={0,2}/g, '[REDACTED BASE64 PEM]'],
  // kubeconfig and Secret fields whose values are credentials, whatever their encoding.
  [/\b(client-key-data|token-secret|token|password)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, '$1$2[REDACTED]'],
  [/\b[a-z0-9]{6}\.[a-z0-9]{16}\b/g, '[REDACTED TOKEN]'],
  [/(?<!sha256:)\b[a-f0-9]{64}\b/gi, '[REDACTED KEY]'],
];

/** The ways a secret the caller names may appear: as is, and base64-encoded (Secret data, kubeconfigs). */
function secretForms(secret: string): string[] {
  const base64 = Buffer.from(secret).toString('base64');
  const unpadded = base64.replace(/=+$/, '');
  return [secret, base64, unpadded];
}

/**
 * `extraSecrets`: values known to be secret (a minted token, a certificate key) that the
 * patterns might not recognise. Shorter than 4 characters they would redact noise, so they are skipped.
 */
export function redact(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of extraSecrets) {
    if (secret.length < 4) continue;
    for (const form of secretForms(secret)) out = out.split(form).join('[REDACTED]');
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** The last `max` characters of already-redacted text, starting at a line boundary. */
export function tailLines(redacted: string, max = 4000): string {
  if (redacted.length <= max) return redacted;
  const cut = redacted.slice(-max);
  const nl = cut.indexOf('\n');
  return `...${nl >= 0 && nl < cut.length - 1 ? cut.slice(nl + 1) : cut}`;
}

const BEGIN_PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const END_PRIVATE_KEY = /-----END [A-Z0-9 ]*PRIVATE KEY-----/;

/**
 * Redacts a stream (a command's stdout or stderr) line by line: text is held until its line is
 * complete, and a private key block is held until its END line, so chunk boundaries never
 * split a secret. `emit` receives redacted text made of whole lines (each ending in a newline,
 * except what `end()` flushes).
 */
export class LineRedactor {
  private partial = '';
  /** The BEGIN line of a private key block whose END has not arrived yet. */
  private keyStart: string | undefined;
  private ended = false;

  constructor(
    private readonly emit: (redacted: string) => void,
    private readonly secrets: readonly string[] = [],
  ) {}

  push(text: string): void {
    if (this.ended) return;
    this.partial += text;
    const nl = this.partial.lastIndexOf('\n');
    if (nl < 0) return;
    const complete = this.partial.slice(0, nl + 1);
    this.partial = this.partial.slice(nl + 1);
    const out = this.lines(complete.slice(0, -1).split('\n'));
    if (out.length) this.emit(`${out.join('\n')}\n`);
  }

  /** Flushes the last, unterminated line (and an unterminated key block, redacted whole). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const rest = this.partial;
    this.partial = '';
    const out = rest ? this.lines([rest]) : [];
    if (this.keyStart !== undefined) {
      out.push(redact(this.keyStart, this.secrets));
      this.keyStart = undefined;
    }
    if (out.length) this.emit(out.join('\n'));
  }

  private lines(lines: string[]): string[] {
    const out: string[] = [];
    for (const line of lines) {
      if (this.keyStart !== undefined) {
        if (!END_PRIVATE_KEY.test(line)) continue;
        out.push(redact(`${this.keyStart}\n${line}`, this.secrets));
        this.keyStart = undefined;
      } else if (BEGIN_PRIVATE_KEY.test(line) && !END_PRIVATE_KEY.test(line.slice(line.search(BEGIN_PRIVATE_KEY)))) {
        this.keyStart = line;
      } else {
        out.push(redact(line, this.secrets));
      }
    }
    return out;
  }
}
