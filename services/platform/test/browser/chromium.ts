/**
 * Debian's Chromium, driven by playwright-core (which brings no browser of its own). Without one
 * the browser tests skip, saying why; in CI (CI=true or ANCHORPOST_REQUIRE_CHROMIUM=1, which
 * scripts/test.sh sets after scripts/install-chromium.sh) a missing Chromium is a failure.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Where screenshots go: CI keeps the run's artifacts/ folder. */
export const SCREENSHOTS = fileURLToPath(new URL('../../../../artifacts/screenshots/', import.meta.url));

export function chromiumPath(): string | undefined {
  const given = process.env.ANCHORPOST_CHROMIUM_BIN;
  if (given !== undefined && given !== '') return given;
  return CANDIDATES.find((path) => existsSync(path));
}

export const chromiumRequired = process.env.CI === 'true' || process.env.ANCHORPOST_REQUIRE_CHROMIUM === '1';

/** The reason to skip, or undefined when Chromium is there (or required, so the test fails). */
export function chromiumSkip(): string | undefined {
  if (chromiumPath() !== undefined || chromiumRequired) return undefined;
  return 'no Chromium: scripts/install-chromium.sh installs it (apt-get install chromium)';
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (executablePath === undefined) {
    throw new Error('Chromium is required (CI=true or ANCHORPOST_REQUIRE_CHROMIUM=1) but not installed');
  }
  await mkdir(SCREENSHOTS, { recursive: true });
  // As root (CI, containers) Chromium's sandbox cannot start.
  return chromium.launch({ executablePath, args: ['--no-sandbox'] });
}
