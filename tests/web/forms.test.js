// The back-office forms in chromium against a real hub and node: dates typed
// the French way and French messages next to the fields whatever the
// browser's language, and a delivery of donations received with a scanner.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { Network, PASSWORD, api, waitFor } = require('./daemons');
const { openBrowser, screenshot } = require('./browser');
const { dayPlus, frenchDay, logIn, messageMatches, openShop, scan, text } = require('./shop');


const focusedId = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);

async function focusIs(page, id) {
  let seen = '';
  await waitFor(() => `the focus on #${id} (it is on « ${seen} »)`, async () => (seen = await focusedId(page)) === id);
}

// The till's methods the page calls, in order.
function callsOf(page) {
  const calls = [];
  page.on('request', (request) => {
    const method = /^\/api\/\w+\/(\w+)$/.exec(new URL(request.url()).pathname);
    if (method) calls.push(method[1]);
  });
  return calls;
}

// `id`'s error, shown next to it and tied to it for screen readers.
async function fieldError(page, id) {
  const box = page.locator(`#${id} + .field-error`);
  await box.waitFor();
  assert.equal(await page.getAttribute(`#${id}`, 'aria-invalid'), 'true');
  const describedBy = (await page.getAttribute(`#${id}`, 'aria-describedby')).split(' ');
  assert.ok(describedBy.includes(await box.getAttribute('id')), 'the error is the field\'s description');
  return box.innerText();
}

const lotsOfMilk = async (web) =>
  (await api(web, 'TillService', 'GetStock', { productId: 'EPI-LAIT-1L' })).products[0].lots;

test('a delivery received by scanning: the product named, Quantité next, the donor chosen and kept', async (t) => {
  const network = new Network();
  t.after(() => network.stop());
  await network.startHub();
  const { web } = await network.startNode('hem');
  await openShop(network, web);  // lot HEM-L-000001: 24 milk from Leclerc
  const browser = await openBrowser();
  t.after(() => browser.close());
  const { page } = browser;
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  const calls = callsOf(page);
  await logIn(page, web);
  await page.click('.tabs >> text=Stock');
  await page.click('#rcv-product');

  // The scan names the product and moves on to Quantité; nothing is sent.
  await scan(page, '3428271940015');
  await focusIs(page, 'rcv-quantity');
  assert.equal(await text(page, '#rcv-product-name'), 'Lait demi-écrémé 1 L — 1,09 €');
  assert.equal(await page.locator('#rcv-product + .field-error').count(), 0);
  // Enter in Quantité sends the form: no donor is assumed, so it is asked for.
  await page.keyboard.type('12');
  await page.keyboard.press('Enter');
  assert.equal(await fieldError(page, 'rcv-donor'), 'Choisissez dans la liste.');
  await focusIs(page, 'rcv-donor');
  assert.ok(!calls.includes('ReceiveStock'), 'nothing is sent before the donor is chosen');
  assert.equal((await lotsOfMilk(web)).length, 1);

  await page.selectOption('#rcv-donor', 'leclerc');
  assert.equal(await page.locator('#rcv-donor + .field-error').count(), 0, 'a corrected field loses its error');
  await page.selectOption('#rcv-kind', 'DLC');
  await page.fill('#rcv-day', frenchDay(dayPlus(20)));
  await page.getByRole('button', { name: 'Entrer en stock' }).click();
  await messageMatches(page, /Lot HEM-L-000002 entré en stock : Lait demi-écrémé 1 L × 12, don de Hyper Leclerc\./);
  let lot = (await lotsOfMilk(web)).find((l) => l.lotId === 'HEM-L-000002');
  assert.equal(lot.donorId, 'leclerc');
  assert.equal(lot.expiryDay, dayPlus(20));
  // Ready for the next article of the delivery: article empty and focused, the donor kept, no date.
  await focusIs(page, 'rcv-product');
  assert.equal(await page.inputValue('#rcv-product'), '');
  assert.equal(await page.inputValue('#rcv-quantity'), '');
  assert.equal(await page.inputValue('#rcv-donor'), 'leclerc');
  assert.equal(await page.inputValue('#rcv-kind'), 'EXPIRY_KIND_UNSPECIFIED');
  assert.equal(await page.inputValue('#rcv-day'), '');
  assert.equal(await text(page, '#rcv-product-name'), '');
  // Enter on the empty field says what to do, and sends nothing.
  await page.keyboard.press('Enter');
  assert.match(await fieldError(page, 'rcv-product'), /^Scannez le code-barres/);

  // An unknown code is said so, and the focus stays to scan again.
  await scan(page, '1234567890128');
  assert.match(await fieldError(page, 'rcv-product'), /^Article inconnu : « 1234567890128 »/);
  assert.equal(await focusedId(page), 'rcv-product');
  assert.equal(calls.filter((c) => c === 'ReceiveStock').length, 1);

  // The next article, found by words of its name; the donor is still Leclerc.
  await page.fill('#rcv-product', '');
  await scan(page, 'lait demi');
  await focusIs(page, 'rcv-quantity');
  assert.equal(await text(page, '#rcv-product-name'), 'Lait demi-écrémé 1 L — 1,09 €');
  await page.keyboard.type('6');
  await page.keyboard.press('Enter');
  await messageMatches(page, /Lot HEM-L-000003 entré en stock : Lait demi-écrémé 1 L × 6, don de Hyper Leclerc\./);
  lot = (await lotsOfMilk(web)).find((l) => l.lotId === 'HEM-L-000003');
  assert.equal(lot.donorId, 'leclerc');
  assert.equal(Number(lot.quantityReceived), 6);

  // "Non renseigné" is a choice made on purpose.
  await focusIs(page, 'rcv-product');
  await scan(page, '3428271940015');
  await focusIs(page, 'rcv-quantity');
  await page.keyboard.type('2');
  await screenshot(page, 'stock-don-scanne');
  await page.selectOption('#rcv-donor', { label: 'Non renseigné' });
  await page.getByRole('button', { name: 'Entrer en stock' }).click();
  await messageMatches(page, /Lot HEM-L-000004 entré en stock : Lait demi-écrémé 1 L × 2, donateur non renseigné\./);
  assert.ok(!(await lotsOfMilk(web)).find((l) => l.lotId === 'HEM-L-000004').donorId);

  // One "Corriger" a stock row, however many lots.
  await waitFor('the stock list to show the four lots', async () =>
    (await text(page, '#stock-lines')).includes('HEM-L-000004'));
  const rows = page.locator('#stock-lines tr');
  for (let i = 0; i < await rows.count(); i++) {
    assert.equal(await rows.nth(i).getByRole('button', { name: /^Corriger/ }).count(), 1);
  }
  assert.deepEqual(errors, []);
});

// Dates and checks must not follow the browser's language.
for (const locale of ['fr-FR', 'en-US']) {
  test(`${locale} browser: French checks next to the fields, a household registered, a referral typed the French way`, async (t) => {
    const network = new Network();
    t.after(() => network.stop());
    await network.startHub();
    const { web } = await network.startNode('hem');
    await openShop(network, web);  // family HEM-000001
    const browser = await openBrowser({ locale });
    t.after(() => browser.close());
    const { page } = browser;
    const calls = callsOf(page);
    await logIn(page, web);
    await page.click('.tabs >> text=Familles');

    // Empty required fields: each says so in French, the first has the focus, nothing is sent.
    await page.locator('#register-form').getByRole('button', { name: 'Inscrire', exact: true }).click();
    assert.equal(await fieldError(page, 'reg-name'), 'À remplir : ce champ est obligatoire.');
    assert.equal(await fieldError(page, 'member-name-1'), 'À remplir : ce champ est obligatoire.');
    await focusIs(page, 'reg-name');
    assert.ok(!calls.includes('RegisterFamily'));
    await page.fill('#reg-name', 'Martin');
    await page.fill('#member-name-1', 'Nadia');
    await page.fill('#member-year-1', '85');
    await page.locator('#register-form').getByRole('button', { name: 'Inscrire', exact: true }).click();
    assert.match(await fieldError(page, 'member-year-1'), /^Année sur 4 chiffres/);
    await focusIs(page, 'member-year-1');
    assert.equal(await page.locator('#reg-name + .field-error').count(), 0, 'a corrected field is no longer wrong');
    assert.ok(!calls.includes('RegisterFamily'));

    // Registered: the card number next to the form, the focus on the referral's last day.
    await page.check('#reg-notice');  // the notice given (tests/web/notice.test.js)
    await page.fill('#member-year-1', '1985');
    await page.press('#member-year-1', 'Enter');
    await focusIs(page, 'ref-end');
    assert.match(await text(page, '#reg-card'), /Carte n° HEM-000002 \(Martin\)/);
    const card = await page.locator('#reg-card').evaluate((box) => [box.getBoundingClientRect().top,
      box.getBoundingClientRect().bottom, window.innerHeight, window.scrollY]);
    assert.ok(card[0] >= 0 && card[1] <= card[2], `the card number is in sight (${card})`);
    await messageMatches(page, /Foyer Martin inscrit : carte HEM-000002/);
    assert.equal(calls.filter((c) => c === 'RegisterFamily').length, 1);

    // The last day typed 25/11/2026-style; Tab leaves the field like any other.
    const end = dayPlus(120);
    await page.keyboard.type(frenchDay(end));
    await page.keyboard.press('Tab');
    await focusIs(page, 'ref-ceiling');
    // A day that does not exist is refused next to its field; nothing is sent.
    await page.fill('#ref-start', '31/02/2026');
    await page.getByRole('button', { name: 'Enregistrer l\'orientation' }).click();
    assert.equal(await fieldError(page, 'ref-start'), 'Date à écrire jour/mois/année, par exemple 25/11/2026.');
    await focusIs(page, 'ref-start');
    assert.ok(!calls.includes('GrantReferral'));
    // Today with dashes and a two-digit year, written back the French way.
    const [year, month, day] = dayPlus(0).split('-');
    await page.fill('#ref-start', `${day}-${month}-${year.slice(2)}`);
    await page.press('#ref-start', 'Tab');
    assert.equal(await page.inputValue('#ref-start'), frenchDay(dayPlus(0)));
    await page.getByRole('button', { name: 'Enregistrer l\'orientation' }).click();
    await messageMatches(page, new RegExp(`Orientation HEM-R-000002 : famille HEM-000002, du ${frenchDay(dayPlus(0))} au ${frenchDay(end)}, sans plafond\\.`));
    const family = await api(web, 'TillService', 'GetFamily', { familyId: 'HEM-000002' });
    assert.equal(family.referrals[0].startDay, dayPlus(0));
    assert.equal(family.referrals[0].endDay, end);
    await focusIs(page, 'reg-name');  // the next household
    assert.equal(await page.locator('#reg-card').isVisible(), false, 'the card number was for that household');

    // A new account: the login's pattern and the password's length said in French.
    await page.click('.tabs >> text=Comptes et journal');
    await page.fill('#acc-login', 'Marie Curie');
    await page.fill('#acc-password', 'court');
    await page.getByRole('button', { name: 'Créer le compte' }).click();
    assert.match(await fieldError(page, 'acc-login'), /^Lettres minuscules sans accent/);
    assert.equal(await fieldError(page, 'acc-password'), 'Au moins 10 caractères (il y en a 5).');
    await focusIs(page, 'acc-login');
    await page.fill('#acc-login', 'marie');
    await page.fill('#acc-password', 'un mot de passe long');
    await page.getByRole('button', { name: 'Créer le compte' }).click();
    await messageMatches(page, /Compte marie créé \(bénévole\)/);
    await focusIs(page, 'acc-login');  // the next account
    assert.equal(await page.inputValue('#acc-login'), '');
    assert.equal(calls.filter((c) => c === 'CreateAccount').length, 1);
    // Disabling it: the list is drawn anew, the focus stays on its line.
    await page.locator('#account-lines tr', { hasText: 'marie' }).getByRole('button', { name: 'Désactiver' }).click();
    await messageMatches(page, /Compte marie désactivé\./);
    await waitFor('the focus on marie\'s Réactiver', async () =>
      (await page.evaluate(() => document.activeElement.textContent)) === 'Réactiver');
    // One's own password, typed twice the same.
    await page.fill('#pw-new', 'un autre mot de passe');
    await page.fill('#pw-again', 'un autre mot de pass');
    await page.getByRole('button', { name: 'Changer mon mot de passe' }).click();
    assert.equal(await fieldError(page, 'pw-again'), 'Les deux ne sont pas identiques : retapez-les.');
    await focusIs(page, 'pw-again');
    assert.ok(!calls.includes('SetPassword'));

    // Head office's dashboard: its days the same way (the same forms.js).
    const board = await browser.context.newPage();
    await board.goto(network.dashboard);
    await board.fill('#login-name', 'claire');
    await board.fill('#login-password', PASSWORD);
    await board.click('#login-submit');
    await waitFor('the first report', async () => Boolean(await board.evaluate(() => document.body.dataset.loaded)));
    assert.equal(await board.inputValue('#to'), frenchDay(dayPlus(0)));
    await board.fill('#from', '31/02/2026');
    await board.click('#apply');
    assert.equal(await fieldError(board, 'from'), 'Date à écrire jour/mois/année, par exemple 25/11/2026.');
    await board.fill('#from', '1/2/26');
    await board.click('#apply');
    await waitFor('the report from 1 February 2026', async () =>
      (await board.evaluate(() => document.body.dataset.loaded)).startsWith('2026-02-01|'));
    assert.match(await text(board, '#scope'), /du 01\/02\/2026 au/);
  });
}
