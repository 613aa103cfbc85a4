/**
 * Debian's Chromium for the SDK's browser test, driven by playwright-core (which brings no browser
 * of its own): ANCHORPOST_CHROMIUM_BIN, else /usr/bin/chromium. Without one the test skips saying
 * why; with CI=true or ANCHORPOST_REQUIRE_CHROMIUM=1 (scripts/test.sh) a missing one fails it.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

function executable(): string | undefined {
  const given = process.env.ANCHORPOST_CHROMIUM_BIN;
  if (given) return given;
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
}

const required = process.env.CI === 'true' || process.env.ANCHORPOST_REQUIRE_CHROMIUM === '1';

/** Why the test skips, or undefined when it runs (Chromium found, or required so it fails). */
export const chromiumSkip =
  executable() !== undefined || required
    ? undefined
    : 'no Chromium: scripts/install-chromium.sh installs it (apt-get install chromium)';

export async function launchChromium(): Promise<Browser> {
  const executablePath = executable();
  if (executablePath === undefined) throw new Error('Chromium is required but not installed');
  // As root (CI, containers) Chromium's sandbox cannot start.
  return chromium.launch({ executablePath, args: ['--no-sandbox'] });
}
