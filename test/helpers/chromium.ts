import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's browser: tests drive it through playwright-core, which never downloads one of its own. */
export const CHROMIUM_PATH = process.env.KUBEHA_CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Without the background-networking flags chromium phones home at start, and a closed network refuses it. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless chromium with a fresh profile (playwright's launch gives each browser its own --user-data-dir and removes it on close). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no browser at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install -y --no-install-recommends chromium) or set KUBEHA_CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS });
}
