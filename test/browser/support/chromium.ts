/**
 * Debian's Chromium driven by playwright-core. Nothing here downloads a browser: without
 * /usr/bin/chromium (or CHROMIUM_PATH) the tests fail with a message saying what to install.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Browser tests need Chromium at ${CHROMIUM_PATH} and will not download one. ` +
        `Install Debian's package: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH).`,
    );
  }
  // A fresh temporary profile per launch (playwright's default).
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
}
