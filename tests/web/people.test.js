// People at the web till, in Debian's chromium against a real hub and node:
// who may do what, the audit trail, the lock-out, and the page's defences.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { Network, PASSWORD, api, logInApi, waitFor } = require('./daemons');
const { openBrowser, screenshot } = require('./browser');
const { dayPlus, logIn, messageMatches, text } = require('./shop');

// The salon's counter reaches the centre's node on the LAN by this name
// (chromium is told it is 127.0.0.1), over HTTPS with a make-certs.sh
// certificate (LanTillTest checks it against the CA; chromium accepts it).
const NAME = 'caisse.hem.test';
const MAKE_CERTS = path.join(__dirname, '..', '..', 'deploy', 'make-certs.sh');

// Starts hem with its web till on every address, over HTTPS, for NAME; opens
// a browser that reaches it by that name. Returns {url, admin, browser}.
async function lanTill(t, network) {
  const certs = path.join(network.dir, 'certs');
  execFileSync(MAKE_CERTS, [certs, 'web-hem'],
    { env: { ...process.env, COMPTOIR_WEB_NAMES: NAME }, encoding: 'utf8' });
  const { webAddress, admin } = await network.startNode('hem', {
    httpListen: '0.0.0.0:0',
    webScheme: 'https',
    webArgs: ['--http-tls-cert', path.join(certs, 'web-hem.crt'),
      '--http-tls-key', path.join(certs, 'web-hem.key'), '--http-name', NAME],
  });
  const browser = await openBrowser({
    args: [`--host-resolver-rules=MAP ${NAME} 127.0.0.1`], ignoreHTTPSErrors: true,
  });
  t.after(() => browser.close());
  return { url: `https://${NAME}:${webAddress.slice(webAddress.lastIndexOf(':') + 1)}/`, admin, browser };
}

// The haircut in the catalogue (head office, through the hub) and a family of
// two with a referral at hem (its administrator), by the command line.
async function openSalon(network, admin) {
  network.cli('--hub', network.hubAdmin, 'hub', 'define-product', '--id', 'COI-COUPE-ENF',
    '--name', 'Coupe enfant', '--department', 'coiffure', '--price', '15', '--unit', 'prestation',
    '--untracked');
  await waitFor('the catalogue at hem', () =>
    network.cli('--node', admin, 'catalogue').includes('COI-COUPE-ENF'));
  const registered = network.cli('--node', admin, 'family', 'register', '--name', 'Dupont',
    '--member', 'Amélie:F:1990', '--member', 'Léo:M:2015', '--household', 'single-parent',
    '--notice-given');
  const familyId = registered.match(/HEM-\d{6}/)[0];
  network.cli('--node', admin, 'referral', 'grant', '--family', familyId, '--prescriber', 'ccas-hem',
    '--until', dayPlus(90), '--ceiling', '60');
  return familyId;
}

// The receipt as hem's database holds it.
function receiptAt(network, admin, receiptNo) {
  return JSON.parse(network.cli('--node', admin, '--json', 'receipt', receiptNo));
}

// Sells a haircut for Léo (member 2) to the family, through the page; returns the receipt number.
async function sellHaircut(page, familyId) {
  await page.fill('#family-query', familyId);
  await page.press('#family-query', 'Enter');
  await waitFor('the family card', async () => (await text(page, '#family-card')).includes(familyId));
  await page.fill('#product-input', 'coupe');
  await page.press('#product-input', 'Enter');
  await waitFor('the member choice', async () =>
    page.evaluate(() => document.activeElement.closest('#product-results') !== null));
  await page.keyboard.press('ArrowDown');  // Amélie, then Léo
  await page.keyboard.press('Enter');
  await waitFor('the priced basket', async () => !(await page.locator('#pay').isDisabled()));
  await page.click('#pay');
  await waitFor('the receipt', async () => (await text(page, '#receipt-text')).includes('Vous payez'));
  return (await text(page, '#receipt-text')).match(/HEM-\d{4}-\d{6}/)[0];
}

// Asks to void the receipt on screen, with a reason.
async function askVoid(page) {
  await page.click('#void-receipt');
  await waitFor('the confirmation', () => page.locator('#void-dialog').isVisible());
  await page.fill('#void-reason', 'erreur de caisse');
  await page.click('#void-confirm');
}

test('at the salon counter on the LAN, a volunteer sells but may not void; the coordinator voids; the audit trail names both', async (t) => {
  const network = new Network();
  t.after(() => network.stop());
  await network.startHub();
  const { url: web, admin, browser } = await lanTill(t, network);
  const familyId = await openSalon(network, admin);
  const { page } = browser;

  await logIn(page, web, 'victor');
  assert.equal(await text(page, '#who-text'), 'victor (bénévole)');
  const receiptNo = await sellHaircut(page, familyId);
  await askVoid(page);
  await messageMatches(page, /Votre rôle \(bénévole\) ne permet pas d'annuler une vente : demandez à un coordinateur\./);
  await screenshot(page, 'benevole-annulation-refusee');
  assert.equal(receiptAt(network, admin, receiptNo).voided, false, 'nothing written');
  // The accounts and the audit trail are not shown to a volunteer; her own password is.
  await page.click('.tabs >> text=Comptes et journal');
  assert.equal(await page.locator('#audit-panel').isVisible(), false);
  assert.equal(await page.locator('#password-form').isVisible(), true);

  // The coordinator, on the same counter: the volunteer logs out first.
  await page.click('#log-out');
  await page.locator('#login-name').waitFor();
  await logIn(page, web, 'coline');
  assert.equal(await text(page, '#who-text'), 'coline (coordinateur)');
  await page.fill('#receipt-no', receiptNo);
  await page.press('#receipt-no', 'Enter');
  await waitFor('the receipt', async () => (await text(page, '#receipt-text')).includes(receiptNo));
  await askVoid(page);
  await messageMatches(page, new RegExp(`Vente ${receiptNo} annulée`));
  assert.equal(receiptAt(network, admin, receiptNo).voided, true);

  await page.click('.tabs >> text=Comptes et journal');
  await waitFor('the audit trail', async () =>
    (await text(page, '#audit-lines')).includes(`Vente ${receiptNo} annulée (erreur de caisse)`));
  const firstRow = await page.locator('#audit-lines tr').first().innerText();
  assert.match(firstRow, new RegExp(`coline\\s+Vente ${receiptNo} annulée \\(erreur de caisse\\)`));
  await page.check('#audit-all');
  await page.click('#audit-form >> text=Afficher');
  await waitFor('the sale in the full trail', async () =>
    new RegExp(`victor\\s+Vente ${receiptNo} à la famille ${familyId}`).test(await text(page, '#audit-lines')));
  assert.match(await text(page, '#account-lines'), /victor\s+bénévole\s+actif/);
  await screenshot(page, 'comptes-et-journal', { fullPage: true });
});

test('five wrong passwords lock the account, and the page says so in French', async (t) => {
  const network = new Network();
  t.after(() => network.stop());
  await network.startHub();
  const { web } = await network.startNode('hem');
  const browser = await openBrowser();
  t.after(() => browser.close());
  const { page } = browser;
  await page.goto(web);
  await page.locator('#login-name').waitFor();
  assert.equal(await page.locator('#app').isVisible(), false, 'nothing of the till before logging in');
  for (let attempt = 1; attempt <= 5; attempt++) {
    await page.fill('#login-name', 'victor');
    await page.fill('#login-password', 'pas le bon');
    await page.click('#login-submit');
    await waitFor(`refusal ${attempt}`, async () => (await page.locator('#login-error').isVisible())
      && (await page.locator('#login-submit').isEnabled()));
    if (attempt < 5) assert.equal(await text(page, '#login-error'), 'Identifiant ou mot de passe incorrect.');
  }
  assert.match(await text(page, '#login-error'), /Ce compte est bloqué pour 15 minutes après 5 essais erronés/);
  await page.fill('#login-name', 'victor');
  await page.fill('#login-password', PASSWORD);
  await page.click('#login-submit');
  await waitFor('the lock-out', async () => /Ce compte est bloqué après 5 mots de passe erronés/
    .test(await text(page, '#login-error')));
  assert.equal(await page.locator('#app').isVisible(), false);
});

// A raw HTTP POST to the web till, with any headers (Host included).
function post(web, path, headers, body) {
  const url = new URL(web);
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: url.hostname, port: url.port, path, method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
    }, (response) => {
      let data = '';
      response.on('data', (chunk) => { data += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, body: data }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

test('a forged Host and a cross-site POST without the CSRF token are refused and write nothing', async (t) => {
  const network = new Network();
  t.after(() => network.stop());
  await network.startHub();
  const { web } = await network.startNode('hem');
  const session = await logInApi(web, 'coline');
  const families = async () => (await api(web, 'TillService', 'SearchFamilies', { query: 'Intrus' })).families.length;
  const family = JSON.stringify({
    familyName: 'Intrus', householdType: 'SINGLE_PERSON',
    members: [{ firstName: 'Eve', sex: 'FEMALE', birthYear: 1990 }],
  });
  const cookie = `comptoir_hem=${(await fetch(`${web}/api/AccountService/LogIn`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: 'coline', password: PASSWORD }),
  })).headers.get('set-cookie').split(';')[0].split('=')[1]}`;

  // DNS rebinding: a page of evil.example whose name points at 127.0.0.1.
  const rebound = await post(web, '/api/TillService/RegisterFamily',
    { Host: 'evil.example', Cookie: cookie, 'X-Comptoir-Csrf': session.csrfToken }, family);
  assert.equal(rebound.status, 403, rebound.body);
  // A cross-site POST carries the cookie at best, never the token.
  const forged = await post(web, '/api/TillService/RegisterFamily', { Cookie: cookie }, family);
  assert.equal(forged.status, 403, forged.body);
  assert.match(JSON.parse(forged.body).message, /Jeton de sécurité absent ou périmé/);
  assert.equal(await families(), 0, 'nothing was registered');

  // The same from a browser: a page of another origin posts a form to the till.
  const browser = await openBrowser();
  t.after(() => browser.close());
  const { page } = browser;
  await logIn(page, web, 'coline');
  await page.goto(network.dashboard);
  await page.evaluate((target) => {
    const form = document.createElement('form');
    form.method = 'POST';
    form.enctype = 'text/plain';
    form.action = `${target}/api/TillService/RegisterFamily`;
    const field = document.createElement('input');
    field.name = '{"familyName":"Intrus","householdType":"SINGLE_PERSON","members":[{"firstName":"Eve","sex":"FEMALE","birthYear":1990}],"x":"';
    field.value = '"}';
    form.append(field);
    document.body.append(form);
    form.submit();
  }, web);
  await page.waitForURL(`${web}/api/TillService/RegisterFamily`);
  assert.match(await page.locator('body').innerText(), /Content-Type: application\/json/);
  assert.equal(await families(), 0, 'nothing was registered');
});

test('the dashboard refuses a volunteer, and shows head office its report', async (t) => {
  const network = new Network();
  t.after(() => network.stop());
  await network.startHub();
  await network.startNode('hem');
  // Hem's volunteer is known at the hub once hem has synced.
  await waitFor('hem\'s accounts at the hub', () =>
    network.cli('--hub', network.hubAdmin, 'hub', 'account', 'list').includes('victor@hem'));
  const browser = await openBrowser();
  t.after(() => browser.close());
  const { page } = browser;
  await page.goto(network.dashboard);
  await page.locator('#login-name').waitFor();
  await page.fill('#login-name', 'victor@hem');
  await page.fill('#login-password', PASSWORD);
  await page.click('#login-submit');
  await waitFor('the refusal', async () => /réservé aux comptes du siège et des statistiques/
    .test(await text(page, '#login-error')));
  assert.equal(await page.locator('#app').isVisible(), false, 'nothing of the report');
  const csv = await fetch(`${network.dashboard}/stats.csv?from=2026-01-01&to=2026-12-31`);
  assert.equal(csv.status, 401, 'nor its CSV without a session');
  await page.fill('#login-name', 'claire');
  await page.fill('#login-password', PASSWORD);
  await page.click('#login-submit');
  await waitFor('the report', async () => (await page.evaluate(() => document.body.dataset.loaded)) !== undefined);
  assert.equal(await text(page, '#who-text'), 'claire (siège)');
});
