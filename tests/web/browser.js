// Debian's chromium, driven by playwright-core, with a fresh profile each time.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

// `options.args`: more chromium switches (e.g. --host-resolver-rules, to reach a
// till's LAN name); `options.ignoreHTTPSErrors`: accept a certificate chromium
// cannot check (one of the network's own CA, checked by the C++ tests instead);
// `options.locale`: the browser's language, French unless a test says otherwise.
async function openBrowser({ args = [], ignoreHTTPSErrors = false, locale = 'fr-FR' } = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'comptoir-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    ignoreHTTPSErrors,
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    locale,
    timezoneId: 'Europe/Paris',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--lang=${locale}`, ...args],
  });
  return {
    context,
    page: context.pages()[0] || await context.newPage(),
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Saves a screenshot under SCREENSHOT_DIR (build/screenshots when run by ctest);
// docs/screenshots/ holds copies from a run, for the README.
// `fullPage`: the whole page rather than the window.
async function screenshot(page, name, { fullPage = false } = {}) {
  const dir = process.env.SCREENSHOT_DIR;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage });
}

module.exports = { openBrowser, screenshot };
