import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); QUICKTUNE_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env.QUICKTUNE_CHROMIUM ?? '/usr/bin/chromium';

/** The reason to skip browser tests here, or false when Chromium is installed. */
export function chromiumSkip(): string | false {
  return existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set QUICKTUNE_CHROMIUM): browser tests skipped`;
}

/**
 * Headless Chromium with a fresh profile (playwright makes a new user-data-dir per launch). NOTE: without the
 * background-networking flags Chromium keeps trying to reach Google's services and, on a machine whose
 * network refuses connections, hangs on them.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
