// Finding the family and today's receipts at the web till, in chromium
// against a real hub and node: a typo is offered, never chosen; a card number
// without its prefix opens the card; same-name households are told apart;
// a sale just made is in "Tickets du jour" and choosing it shows its receipt.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { Network, api, waitFor } = require('./daemons');
const { openBrowser, screenshot } = require('./browser');
const { NOTICE_VERSION, logIn, messageMatches, openShop, text } = require('./shop');

async function openTill(t, login) {
  const network = new Network();
  t.after(() => network.stop());
  await network.startHub();
  const { web } = await network.startNode('hem');
  const familyId = await openShop(network, web);  // Dupont, HEM-000001; milk 3428271940015
  const browser = await openBrowser();
  t.after(() => browser.close());
  await logIn(browser.page, web, login);
  return { web, familyId, page: browser.page };
}

async function search(page, query) {
  await page.fill('#family-query', query);
  await page.press('#family-query', 'Enter');
}

const choices = (page) => page.locator('#family-results li').allInnerTexts();

test('a typo is offered with the household, a card number opens the card, same names are told apart', async (t) => {
  const { web, familyId, page } = await openTill(t, 'victor');
  // A volunteer may read today's receipts (none yet).
  await waitFor('today\'s receipts, empty', async () => page.locator('#today-receipts-empty').isVisible());
  await api(web, 'TillService', 'UpdateFamily', { familyId, postcode: '59170' });
  for (const [firstName, birthYear, postcode] of [['Sophie', 1985, '59510'], ['Karim', 1979, '59100']]) {
    await api(web, 'TillService', 'RegisterFamily', {
      familyName: 'Martin', householdType: 'SINGLE_PARENT', postcode,
      members: [{ firstName, sex: 'FEMALE', birthYear }], noticeVersion: NOTICE_VERSION,
    });
  }

  // "dupond": Dupont offered as a suggestion, with members and postcode, not chosen.
  await search(page, 'dupond');
  await waitFor('the suggestions', async () => (await choices(page)).length === 2);
  assert.deepEqual(await choices(page), ['Vouliez-vous dire…',
    'HEM-000001 — Dupont — Amélie (1990), Léo (2015) — CP 59170']);
  assert.equal(await page.locator('#family-card').isHidden(), true, 'a typo is never chosen for the volunteer');
  await screenshot(page, 'vente-recherche');
  assert.equal(await page.evaluate(() => document.activeElement.textContent),
    'HEM-000001 — Dupont — Amélie (1990), Léo (2015) — CP 59170');
  await page.keyboard.press('Enter');
  await waitFor('the Dupont card', async () => /Dupont — HEM-000001/.test(await text(page, '#family-card')));

  // "000002": the card, opened at once.
  await search(page, '000002');
  await waitFor('the card HEM-000002', async () => /Martin — HEM-000002/.test(await text(page, '#family-card')));
  assert.deepEqual(await choices(page), []);

  // Two Martins: each with its members and postcode.
  await search(page, 'martin');
  await waitFor('both Martins', async () => (await choices(page)).length === 2);
  assert.deepEqual(await choices(page), [
    'HEM-000002 — Martin — Sophie (1985) — CP 59510 (pas d\'orientation valable)',
    'HEM-000003 — Martin — Karim (1979) — CP 59100 (pas d\'orientation valable)']);

  // Nothing close: said in French, nothing offered.
  await search(page, 'Zimmermann');
  await messageMatches(page, /Aucune famille ne s'appelle « Zimmermann », ni d'un nom proche/);
  assert.deepEqual(await choices(page), []);
});

test('a sale just made is in today\'s receipts; choosing it shows the receipt, voiding marks it', async (t) => {
  // The coordinator: a volunteer may not void.
  const { familyId, page } = await openTill(t, 'coline');
  await waitFor('the empty list', async () => page.locator('#today-receipts-empty').isVisible());
  await search(page, familyId);
  await waitFor('the article field', async () =>
    (await page.evaluate(() => document.activeElement.id)) === 'product-input');
  await page.keyboard.type('3428271940015');
  await page.keyboard.press('Enter');
  await waitFor('the basket priced', async () => !(await page.locator('#pay').isDisabled()));
  await page.click('#pay');
  await messageMatches(page, /Vente enregistrée : ticket HEM-\d{4}-000001/);
  const receiptNo = (await text(page, '#message')).match(/HEM-\d{4}-000001/)[0];

  const today = page.locator('#today-receipts button');
  await waitFor('the sale in today\'s receipts', async () => (await today.count()) === 1);
  assert.match(await today.first().innerText(), /^\d{2}:\d{2} · HEM-000001 · Dupont · \d+,\d{2} €$/);
  assert.equal(await page.locator('#today-receipts-empty').isHidden(), true);

  // A new sale clears the receipt; choosing the line shows it again.
  await page.click('#new-sale');
  assert.equal(await text(page, '#receipt-text'), '');
  await today.first().click();
  await waitFor('the receipt', async () => (await text(page, '#receipt-text')).includes(`Ticket ${receiptNo}`));
  assert.equal(await page.locator('#void-receipt').isDisabled(), false);
  await screenshot(page, 'vente-tickets-du-jour', { fullPage: true });

  // Voided from there: the line says so.
  await page.click('#void-receipt');
  await page.fill('#void-reason', 'erreur de saisie');
  await page.click('#void-confirm');
  let line = '';
  let shown = '';
  await waitFor(() => `the line marked voided (it reads « ${line} », the message « ${shown} »)`, async () => {
    shown = await text(page, '#message');
    return /· annulé$/.test(line = await today.first().innerText());
  });
});
