// End-to-end test of the Transferts screen between two centres and the hub,
// through real sync: Hem asks Lille for part of its surplus, Lille sees what
// goes in the box before shipping (and ships nothing when it steps back), and
// both centres then offer only what is left of the surplus.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { api, waitFor } = require('./daemons');
const { screenshot } = require('./browser');
const { dayPlus, logIn, messageMatches, milkAt, openShop, openTill, startCentres, text } = require('./shop');

const MILK = 'Lait demi-écrémé 1 L';
const frenchDate = (day) => day.split('-').reverse().join('/');
const focused = (page) => page.evaluate(() => document.activeElement.id || document.activeElement.textContent);

// The units of `lotId` a centre offers, as its API says (0 when not offered).
async function offered(web, lotId) {
  const entry = (await api(web, 'TillService', 'ListSurplus', {})).surplus.find((e) => e.lotId === lotId);
  return entry ? Number(entry.quantity) : 0;
}

test('a request from a surplus, the box shown before shipping, the surplus reduced', async (t) => {
  const [network, hem, lille] = await startCentres(t, 'hem', 'lille');
  await openShop(network, hem.web);
  // Lille: 30 milk near their date, and 100 later of which 60 are surplus.
  const soon = await api(lille.web, 'TillService', 'ReceiveStock', { productId: 'EPI-LAIT-1L',
    quantity: 30, donorId: 'leclerc', lotNumber: 'A-11', expiryKind: 'DLC', expiryDay: dayPlus(10) });
  const later = await api(lille.web, 'TillService', 'ReceiveStock', { productId: 'EPI-LAIT-1L',
    quantity: 100, donorId: 'leclerc', lotNumber: 'B-22', expiryKind: 'DDM', expiryDay: dayPlus(40) });
  await api(lille.web, 'TillService', 'MarkSurplus', { lotId: later.lotId, quantity: 60 });
  const { browser, page, seen, message } = await openTill(t, hem.web);

  // Hem sees Lille's surplus, named, and "Demander…" fills in a request.
  await waitFor('Lille\'s surplus to reach Hem', async () => await offered(hem.web, later.lotId) === 60);
  await page.click('.tabs >> text=Surplus et besoins');
  await waitFor('the surplus list', async () => (await text(page, '#surplus-lines')).includes(later.lotId));
  assert.match(await text(page, '#surplus-lines'), new RegExp(`^Lille\\t${MILK}\\t${later.lotId}\\t60\\t`));
  await page.getByRole('button', { name: `Demander ${MILK} à Lille` }).click();
  await message(/Demande préparée : .* à Lille\. Vérifiez la quantité/);
  assert.equal(await page.inputValue('#tr-kind'), 'REQUEST');
  assert.equal(await page.inputValue('#tr-site'), 'lille');
  assert.equal(await page.inputValue('#tr-product'), 'EPI-LAIT-1L');
  assert.equal(await page.inputValue('#tr-quantity'), '60');
  assert.equal(await focused(page), 'tr-quantity');

  // The centres by name, never this one; the button follows the kind.
  const centres = await page.locator('#tr-site option').evaluateAll((options) => options.map((o) => o.textContent));
  assert.deepEqual(centres, ['Lille']);
  assert.equal(await text(page, '#tr-send'), 'Envoyer la demande');
  await page.selectOption('#tr-kind', 'OFFER');
  assert.equal(await text(page, '#tr-send'), 'Envoyer l\'offre');
  await page.selectOption('#tr-kind', 'REQUEST');
  assert.equal(await text(page, '#tr-send'), 'Envoyer la demande');

  // Bad input is refused in French and sends nothing; then 70 are asked for.
  await page.fill('#tr-quantity', '0');
  await page.click('#tr-send');
  // Checked in French next to the field, before anything is sent.
  await waitFor('the quantity refused', async () => /Un nombre entier d'au moins 1 est attendu/
    .test(await page.locator('#tr-quantity + .field-error').innerText().catch(() => '')));
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tr-quantity');
  assert.deepEqual((await api(hem.web, 'TillService', 'ListTransfers', { site: 'hem' })).transfers, []);
  await page.fill('#tr-quantity', '70');
  await page.click('#tr-send');
  await message(new RegExp(`Demande HEM-T-000001 envoyée à Lille : ${MILK} × 70\\.`));
  assert.equal(await focused(page), 'tr-product', 'ready for the next request');
  const row = await page.locator('#transfer-lines tr', { hasText: 'HEM-T-000001' }).innerText();
  assert.match(row, /Lille → Hem/);
  assert.match(row, /demandé, attend la réponse/);
  assert.doesNotMatch(row, /proposé/);

  // Lille accepts: the focus goes to what comes next, shipping.
  const lillePage = await browser.context.newPage();
  lillePage.on('pageerror', (error) => seen.push(String(error)));
  await logIn(lillePage, lille.web);
  await waitFor('the request to reach Lille', async () =>
    (await api(lille.web, 'TillService', 'ListTransfers', {})).transfers.length === 1);
  await lillePage.click('.tabs >> text=Transferts');
  await lillePage.click('#transfer-lines >> text=Accepter');
  await messageMatches(lillePage, /Demande HEM-T-000001 : acceptée\./);
  assert.equal(await focused(lillePage), 'Expédier…');

  // "Expédier…" shows the box: 30 of the earlier lot, 40 of the later one.
  // Escape ships nothing.
  await lillePage.keyboard.press('Enter');
  await lillePage.locator('#ship-dialog').waitFor();
  assert.equal(await focused(lillePage), 'ship-confirm');
  assert.deepEqual(await lillePage.locator('#ship-lots tr').allInnerTexts(), [
    `${MILK}\t${soon.lotId} (n° A-11)\tDLC ${frenchDate(dayPlus(10))}\t30`,
    `${MILK}\t${later.lotId} (n° B-22)\tDDM ${frenchDate(dayPlus(40))}\t40`]);
  await screenshot(lillePage, 'transfert-carton');
  await lillePage.keyboard.press('Escape');
  await messageMatches(lillePage, /Transfert HEM-T-000001 : rien n'a été expédié\./);
  assert.equal(await lillePage.locator('#ship-dialog').isVisible(), false);
  assert.equal((await api(lille.web, 'TillService', 'ListTransfers', {})).transfers[0].state, 'ACCEPTED');
  assert.equal(await milkAt(lille.web), 130, 'nothing left the stock');
  assert.equal(await focused(lillePage), 'Expédier…');

  // Confirmed: those lots leave.
  await lillePage.keyboard.press('Enter');
  await lillePage.locator('#ship-dialog').waitFor();
  await lillePage.click('#ship-confirm');
  await messageMatches(lillePage, new RegExp(`Transfert HEM-T-000001 expédié à Hem : ${MILK} × 30, ${MILK} × 40\\.`));
  assert.equal(await milkAt(lille.web), 60);
  assert.equal(await focused(lillePage), 'tr-kind', 'nothing left to do on it: on to the form');

  // 60 marked, 40 of that lot shipped: both centres offer 20.
  await waitFor('the shipment to reach Hem', async () => await offered(hem.web, later.lotId) === 20);
  assert.equal(await offered(lille.web, later.lotId), 20);
  const reduced = new RegExp(`^Lille\\t${MILK}\\t${later.lotId}\\t20\\tDDM `);
  for (const p of [page, lillePage]) {
    await p.click('.tabs >> text=Surplus et besoins');
    await waitFor('the surplus reduced on screen', async () => reduced.test(await text(p, '#surplus-lines')));
  }

  // Hem receives it all; the focus goes on to the form.
  await page.click('.tabs >> text=Transferts');
  await page.click('#transfer-lines >> text=Tout est arrivé');
  await message(/Demande HEM-T-000001 : reçue, tout est entré en stock\./);
  assert.equal(await focused(page), 'tr-kind');
  assert.equal(await milkAt(hem.web), 24 + 70);
  assert.deepEqual(seen, []);
});
