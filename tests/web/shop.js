// What the web till's browser tests share: a day of the till's calendar, a
// centre opened for business, and reading the page.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { Network, PASSWORD, api, waitFor } = require('./daemons');
const { openBrowser } = require('./browser');

// The information notice's version given today: the last of NOTICE_VERSIONS in
// node/web/static/notice_version.js, its one place (an ES module: read, not required).
const NOTICE_VERSION = /NOTICE_VERSIONS = \[(?:'[^']*', )*'([^']*)'\];/.exec(fs.readFileSync(
  path.join(__dirname, '../../node/web/static/notice_version.js'), 'utf8'))[1];

// A day in Europe/Paris (the till's days), `days` from today, as YYYY-MM-DD.
function dayPlus(days) {
  return new Date(Date.now() + days * 86400000).toLocaleDateString('en-CA', { timeZone: 'Europe/Paris' });
}

// A day ('YYYY-MM-DD') as a French volunteer types it in a date field: 25/11/2026.
const frenchDay = (day) => day.split('-').reverse().join('/');

// Catalogue from head office (through the hub, as in production), a family of
// two with a referral and a 60 € monthly ceiling, milk in stock.
async function openShop(network, web) {
  network.cli('--hub', network.hubAdmin, 'hub', 'define-product', '--id', 'EPI-LAIT-1L',
    '--name', 'Lait demi-écrémé 1 L', '--department', 'epicerie', '--price', '1,09',
    '--unit', 'litre', '--barcode', '3428271940015');
  network.cli('--hub', network.hubAdmin, 'hub', 'define-product', '--id', 'COI-COUPE-ENF',
    '--name', 'Coupe enfant', '--department', 'coiffure', '--price', '15', '--unit', 'prestation',
    '--untracked');
  await waitFor('the catalogue to reach the centre', async () => {
    const catalogue = await api(web, 'TillService', 'GetCatalogue', {});
    return catalogue.products.length === 2;
  });
  const family = await api(web, 'TillService', 'RegisterFamily', {
    familyName: 'Dupont', householdType: 'SINGLE_PARENT', incomeSources: ['RSA'],
    members: [{ firstName: 'Amélie', sex: 'FEMALE', birthYear: 1990 },
      { firstName: 'Léo', sex: 'MALE', birthYear: 2015 }],
    noticeVersion: NOTICE_VERSION,
  });
  await api(web, 'TillService', 'GrantReferral', {
    familyId: family.familyId, prescriberId: 'ccas-hem', endDay: dayPlus(90), monthlyCeilingCents: 6000,
  });
  await api(web, 'TillService', 'ReceiveStock', {
    productId: 'EPI-LAIT-1L', quantity: 24, donorId: 'leclerc', lotNumber: 'L2611',
    expiryKind: 'DLC', expiryDay: dayPlus(5),
  });
  return family.familyId;
}

// The units of milk (openShop's EPI-LAIT-1L) in stock at the centre `web`.
async function milkAt(web) {
  const stock = await api(web, 'TillService', 'GetStock', { productId: 'EPI-LAIT-1L' });
  return Number(stock.products[0].quantity);
}

const text = (page, selector) => page.locator(selector).innerText();

// What a barcode scanner does: its digits 5 ms apart, then Enter. The 5 ms is
// the scanner's own typing rhythm (issue #26's acceptance), not a wait for
// the till: every test then waits on what the page shows.
async function scan(page, barcode) {
  await page.keyboard.type(barcode, { delay: 5 });
  await page.keyboard.press('Enter');
}

// Waits until the page's message line matches `pattern`.
// Times out naming the message the page shows instead.
async function messageMatches(page, pattern) {
  let shown = '';
  await waitFor(() => `the message ${pattern} (the page shows « ${shown} »)`, async () => {
    shown = await text(page, '#message');
    return pattern.test(shown);
  });
}

// Opens the web till at `web` and logs in on its login page as `login`
// (coline, the coordinator, by default), as a person at the counter does.
async function logIn(page, web, login = 'coline') {
  await page.goto(web);
  await page.locator('#login-name').waitFor();
  await page.fill('#login-name', login);
  await page.fill('#login-password', PASSWORD);
  await page.click('#login-submit');
  await page.locator('#who').waitFor();
}

// A hub and a centre for each of `sites`, stopped when test `t` ends:
// [network, node of sites[0], ...].
async function startCentres(t, ...sites) {
  const network = new Network();
  t.after(() => network.stop());
  await network.startHub();
  const nodes = [];
  for (const site of sites) nodes.push(await network.startNode(site));
  return [network, ...nodes];
}

// The browser, logged in at the till `web` (closed when test `t` ends):
// its page, the page errors seen (none expected), and a wait on its message.
async function openTill(t, web, login = 'coline') {
  const browser = await openBrowser();
  t.after(() => browser.close());
  const { page } = browser;
  const seen = [];
  page.on('pageerror', (error) => seen.push(String(error)));
  await logIn(page, web, login);
  return { browser, page, seen, message: (pattern) => messageMatches(page, pattern) };
}

// Hem opened for business by `open` (openShop by default) and its till in
// chromium with `login` logged in: what a sale test starts from.
async function shopAtHem(t, { login = 'coline', open = openShop } = {}) {
  const [network, hem] = await startCentres(t, 'hem');
  const familyId = await open(network, hem.web);
  const { page } = await openTill(t, hem.web, login);
  return { network, web: hem.web, admin: hem.admin, familyId, page };
}

module.exports = { NOTICE_VERSION, dayPlus, frenchDay, logIn, messageMatches, milkAt, openShop, openTill, scan,
  shopAtHem, startCentres, text };
