// End-to-end tests of the web till's back-office screens that replace the
// command line: correcting stock, surplus and needs, a partial transfer
// arrival, the donors' report, editing a household and its referrals. Each
// records through the browser, then checks the effect on the screen and in the
// centre's own data (its JSON API), and shows one refusal in French that
// changes nothing.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { api, waitFor } = require('./daemons');
const { screenshot } = require('./browser');
const { dayPlus, frenchDay, logIn, messageMatches, milkAt, openShop, openTill, startCentres, text } = require('./shop');

const MILK = 'Lait demi-écrémé 1 L';

// Waits until the centre's data passes `ready` (its API), then shows `tab` once
// and waits for `selector` to contain `expected`. Showing a tab reloads its lists:
// doing so once keeps a late reload from replacing the fields the test types in.
async function showWhenReady(page, what, ready, tab, selector, expected) {
  await waitFor(what, ready);
  await page.click(`.tabs >> text=${tab}`);
  await waitFor(`${tab}: ${expected}`, async () => (await text(page, selector)).includes(expected));
}

test('stock: a correction, the donors, a surplus asked for, a minimum, a partial arrival', async (t) => {
  const [network, hem, lille] = await startCentres(t, 'hem', 'lille');
  await openShop(network, hem.web);  // Hem: lot HEM-L-000001, 24 milk from Leclerc
  const lilleLot = await api(lille.web, 'TillService', 'ReceiveStock',
    { productId: 'EPI-LAIT-1L', quantity: 40, donorId: 'leclerc', expiryKind: 'DDM', expiryDay: dayPlus(60) });
  const { browser, page, seen, message } = await openTill(t, hem.web);

  // The donors' report: both centres' gifts, at shop prices (1,09 € a litre).
  await showWhenReady(page, 'Lille\'s donation to reach Hem', async () =>
    (await api(hem.web, 'TillService', 'ListDonors', {})).donors.some((d) => d.bySite.length === 2),
  'Donateurs', '#donor-lines', 'lille : 40');
  const leclerc = await page.locator('#donor-lines tr', { hasText: 'Hyper Leclerc' }).innerText();
  assert.equal(leclerc, 'Hyper Leclerc\t64\t69,76 €\them : 24 unité(s), 26,16 € ; lille : 40 unité(s), 43,60 €');
  assert.match(await text(page, '#donor-lines'), /Fondation Kiabi\t0\t0,00 €\taucun don enregistré/);
  assert.equal(await text(page, '#donor-value'), '69,76 €');
  await screenshot(page, 'donateurs');

  // Correcting a lot from the stock list: removing more than it holds is
  // refused; 3 expired units leave it.
  await page.click('.tabs >> text=Stock');
  // One "Corriger" a row; the product's only lot is the one corrected.
  await page.getByRole('button', { name: 'Corriger le stock de Lait demi-écrémé 1 L' }).click();
  await waitFor('the lot chosen', async () => (await page.inputValue('#adj-lot')) === 'HEM-L-000001');
  assert.equal(await page.inputValue('#adj-product'), 'EPI-LAIT-1L');
  await page.selectOption('#adj-reason', 'EXPIRED');
  assert.equal(await page.inputValue('#adj-direction'), '-1', 'expired units only leave the stock');
  await page.fill('#adj-quantity', '30');
  await page.getByRole('button', { name: 'Enregistrer la correction' }).click();
  await message(/Le lot HEM-L-000001 ne compte que 24 unité\(s\)\./);
  assert.equal(await milkAt(hem.web), 24, 'a refused correction changes nothing');
  await page.fill('#adj-quantity', '3');
  await page.fill('#adj-comment', 'date dépassée');
  await page.getByRole('button', { name: 'Enregistrer la correction' }).click();
  await message(new RegExp(`Correction enregistrée : ${MILK}, lot HEM-L-000001 : -3 \\(périmé\\)\\. En stock maintenant : 21\\.`));
  assert.equal(await page.evaluate(() => document.activeElement.id), 'adj-product', 'the next correction starts at the product');
  await waitFor('the stock list to follow', async () => (await text(page, '#stock-lines')).includes('HEM-L-000001 : 21'));
  assert.equal(await milkAt(hem.web), 21);

  // A minimum for Hem: an unknown product is refused; then Hem lacks 29.
  await page.click('.tabs >> text=Surplus et besoins');
  await page.fill('#min-product', 'EPI-INCONNU');
  await page.fill('#min-units', '50');
  await page.getByRole('button', { name: 'Enregistrer le minimum' }).click();
  await message(/Produit inconnu : EPI-INCONNU\./);
  assert.deepEqual((await api(hem.web, 'TillService', 'ListNeeds', {})).needs, []);
  await page.fill('#min-product', 'EPI-LAIT-1L');
  await page.fill('#min-units', '50');
  await page.getByRole('button', { name: 'Enregistrer le minimum' }).click();
  await message(new RegExp(`Minimum de ${MILK} : 50\\. En stock : 21, il en manque 29\\.`));
  assert.match(await text(page, '#need-lines'), new RegExp(`Hem\\t${MILK}\\t21\\t50\\t29`));
  const needs = (await api(hem.web, 'TillService', 'ListNeeds', {})).needs;
  assert.deepEqual(needs.map((n) => [n.site, n.productId, Number(n.missing)]), [['hem', 'EPI-LAIT-1L', 29]]);

  // Lille marks 15 of its lot as surplus, on its own screen.
  const lillePage = await browser.context.newPage();
  await logIn(lillePage, lille.web);
  await lillePage.click('.tabs >> text=Surplus et besoins');
  await lillePage.selectOption('#mark-lot', lilleLot.lotId);
  await lillePage.fill('#mark-quantity', '15');
  await lillePage.getByRole('button', { name: 'Proposer en surplus' }).click();
  await messageMatches(lillePage, new RegExp(`Lot ${lilleLot.lotId} : 15 ${MILK} proposé\\(s\\) aux autres centres\\.`));
  assert.match(await lillePage.locator('#surplus-lines').innerText(), /\(ce centre\)/);
  await lillePage.close();

  // Hem sees it and asks Lille for 10 (the request filled in from the surplus
  // row): a request of 0 is refused first.
  await showWhenReady(page, 'Lille\'s surplus to reach Hem', async () =>
    (await api(hem.web, 'TillService', 'ListSurplus', {})).surplus.length === 1,
  'Surplus et besoins', '#surplus-lines', lilleLot.lotId);
  assert.match(await text(page, '#surplus-lines'), new RegExp(`Lille\\t${MILK}\\t${lilleLot.lotId}\\t15\\tDDM`));
  await screenshot(page, 'surplus-besoins');
  await page.getByRole('button', { name: `Demander ${MILK} à Lille` }).click();
  await waitFor('the request filled in', async () => (await page.inputValue('#tr-quantity')) === '15');
  await page.fill('#tr-quantity', '0');
  await page.getByRole('button', { name: 'Envoyer la demande' }).click();
  // Checked in French next to the field, before anything is sent.
  await waitFor('the quantity refused', async () => /Un nombre entier d'au moins 1 est attendu/
    .test(await page.locator('#tr-quantity + .field-error').innerText().catch(() => '')));
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tr-quantity');
  assert.deepEqual((await api(hem.web, 'TillService', 'ListTransfers', { site: 'hem' })).transfers, []);
  await page.fill('#tr-quantity', '10');
  await page.getByRole('button', { name: 'Envoyer la demande' }).click();
  await message(new RegExp(`Demande HEM-T-000001 envoyée à Lille : ${MILK} × 10\\.`));
  const [asked] = (await api(hem.web, 'TillService', 'ListTransfers', { site: 'hem' })).transfers;
  assert.equal(asked.source, 'lille');
  assert.equal(asked.destination, 'hem');
  assert.deepEqual(asked.items.map((i) => [i.productId, Number(i.quantity)]), [['EPI-LAIT-1L', 10]]);

  // Lille accepts and ships (its own screens are tested in till.test.js).
  await waitFor('the request to reach Lille', async () =>
    (await api(lille.web, 'TillService', 'ListTransfers', {})).transfers.length === 1);
  await api(lille.web, 'TillService', 'AnswerTransfer', { transferId: 'HEM-T-000001', accept: true });
  await api(lille.web, 'TillService', 'ShipTransfer', { transferId: 'HEM-T-000001' });

  // Hem records a partial arrival: 8 of 10 came, 1 of them damaged. Without a
  // reason it is refused and nothing enters the stock.
  const transfersAtHem = async () => (await api(hem.web, 'TillService', 'ListTransfers', { site: 'hem' })).transfers;
  await showWhenReady(page, 'the shipment to reach Hem', async () => (await transfersAtHem())[0].state === 'SHIPPED',
    'Transferts', '#transfer-lines', 'expédié');
  await page.click('#transfer-lines >> text=Arrivée partielle…');
  await page.getByRole('spinbutton', { name: `${MILK} : unités arrivées` }).fill('8');
  await page.getByRole('button', { name: 'Enregistrer l\'arrivée' }).click();
  await message(new RegExp(`${MILK} : 10 expédié\\(s\\), 8 arrivé\\(s\\), 0 abîmé\\(s\\) ; indiquez la raison de l'écart\\.`));
  const [pending] = await transfersAtHem();
  assert.equal(pending.state, 'SHIPPED', 'a refused arrival records nothing');
  assert.equal(await milkAt(hem.web), 21);
  await page.getByRole('spinbutton', { name: `${MILK} : dont abîmées` }).fill('1');
  await page.getByRole('textbox', { name: `Raison de l'écart pour ${MILK}` }).fill('cartons écrasés');
  await screenshot(page, 'arrivee-partielle');
  await page.getByRole('button', { name: 'Enregistrer l\'arrivée' }).click();
  await message(new RegExp(`Transfert HEM-T-000001 reçu : ${MILK} × 8 arrivé\\(s\\) dont 1 abîmé\\(s\\)\\.`));
  assert.equal(await page.locator('#arrival-form').isVisible(), false);
  assert.match(await text(page, '#transfer-lines'),
    new RegExp(`reçus : ${MILK} × 8 dont 1 abîmé\\(s\\) \\(cartons écrasés\\)\\s+reçu`));
  const [received] = await transfersAtHem();
  assert.equal(received.state, 'RECEIVED');
  assert.deepEqual(received.received.map((r) => [Number(r.arrived), Number(r.damaged), r.reason]),
    [[8, 1, 'cartons écrasés']]);
  assert.equal(await milkAt(hem.web), 21 + 7, 'the 7 usable units entered Hem\'s stock');
  assert.deepEqual(seen, []);
});

test('a household edited, its referral renewed then ended', async (t) => {
  const [network, { web }] = await startCentres(t, 'hem');
  const familyId = await openShop(network, web);  // Dupont: Amélie and Léo, RSA; HEM-R-000001
  const { page, seen, message } = await openTill(t, web);
  const family = () => api(web, 'TillService', 'GetFamily', { familyId });

  await page.click('.tabs >> text=Familles');
  await page.fill('#edit-card', familyId.toLowerCase());
  await page.getByRole('button', { name: 'Ouvrir le foyer' }).click();
  await waitFor('the household', () => page.locator('#edit-form').isVisible());
  assert.equal(await text(page, '#edit-title'), `Foyer Dupont — ${familyId}`);
  assert.equal(await page.inputValue('#edit-member-name-2'), 'Léo');
  assert.equal(await page.locator('#edit-income input:checked').count(), 1);

  // Saving with no change, then a wrong postcode: both refused, nothing changes.
  await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
  await message(/Rien à modifier\./);
  await page.fill('#edit-postcode', '59A10');
  await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
  await message(/Code postal invalide\./);
  const before = await family();
  assert.equal(before.postcode, '');
  assert.equal(before.members.length, 2);

  // A third person, wages as well as RSA, the postcode.
  await page.fill('#edit-postcode', '59510');
  await page.check('#edit-income >> text=Salaire');
  await page.click('#edit-add-member');
  await page.fill('#edit-member-name-3', 'Lina');
  await page.selectOption('#edit-member-sex-3', 'FEMALE');
  await page.fill('#edit-member-year-3', '2020');
  await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
  await message(new RegExp(`Foyer ${familyId} modifié : personnes du foyer, ressources, code postal\\.`));
  assert.equal(await page.evaluate(() => document.activeElement.id), 'edit-card', 'the next household starts at its card number');
  const after = await family();
  assert.equal(after.postcode, '59510');
  assert.deepEqual([...after.incomeSources].sort(), ['RSA', 'WAGES']);
  assert.deepEqual(after.members.map((m) => [m.memberId, m.firstName, m.birthYear]),
    [[1, 'Amélie', 1990], [2, 'Léo', 2015], [3, 'Lina', 2020]]);
  assert.equal(after.householdType, 'SINGLE_PARENT', 'what was not touched stays');
  assert.equal(await page.inputValue('#edit-member-name-3'), 'Lina', 'the form shows the saved household');
  await screenshot(page, 'famille-modifier', { fullPage: true });

  // Renew: a last day before the start is refused; then six months at 80 €.
  await page.getByRole('button', { name: 'Prolonger…' }).click();
  await page.fill('#renew-end', frenchDay(dayPlus(-10)));
  await page.getByRole('button', { name: 'Prolonger', exact: true }).click();
  await message(/La nouvelle date de fin est avant le début de l'orientation\./);
  assert.equal((await family()).referrals[0].endDay, dayPlus(90));
  await page.fill('#renew-end', frenchDay(dayPlus(180)));
  await page.fill('#renew-ceiling', '80');
  await page.getByRole('button', { name: 'Prolonger', exact: true }).click();
  await message(new RegExp(`Orientation HEM-R-000001 prolongée jusqu'au ${frenchDay(dayPlus(180))}, plafond 80,00 € par mois\\.`));
  assert.equal(await page.evaluate(() => document.activeElement.id), 'edit-card');
  assert.match(await text(page, '#referral-lines'), new RegExp(`au ${frenchDay(dayPlus(180))}\\s+80,00 € par mois`));
  const renewed = (await family()).referrals[0];
  assert.equal(renewed.endDay, dayPlus(180));
  assert.equal(Number(renewed.monthlyCeilingCents), 8000);

  // End it: not after its last day (that would lengthen it); then today, with a reason.
  await page.getByRole('button', { name: 'Terminer…' }).click();
  await page.fill('#end-day', frenchDay(dayPlus(200)));
  await page.getByRole('button', { name: 'Terminer l\'orientation' }).click();
  await message(new RegExp(`Cette orientation finit déjà le ${frenchDay(dayPlus(180))} : pour la prolonger, utilisez « Prolonger »\\.`));
  assert.equal((await family()).referrals[0].ended, false);
  await page.fill('#end-day', '');
  await page.fill('#end-reason', 'a déménagé');
  await page.getByRole('button', { name: 'Terminer l\'orientation' }).click();
  await message(new RegExp(`Orientation HEM-R-000001 terminée : dernier jour couvert le ${frenchDay(dayPlus(0))}\\.`));
  assert.equal(await page.evaluate(() => document.activeElement.id), 'edit-card');
  assert.match(await text(page, '#referral-lines'), /\(terminée\)/);
  assert.equal(await page.getByRole('button', { name: 'Rouvrir et prolonger…' }).count(), 1);
  const ended = (await family()).referrals[0];
  assert.equal(ended.ended, true);
  assert.equal(ended.endDay, dayPlus(0));
  await screenshot(page, 'famille-orientations', { fullPage: true });
  assert.deepEqual(seen, []);
});
