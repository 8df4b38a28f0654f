// End-to-end tests of the web till: Debian's chromium, driven like a
// volunteer would, against a real hub and a real centre node.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { Network, api, waitFor } = require('./daemons');
const { openBrowser, screenshot } = require('./browser');
const { dayPlus, frenchDay, logIn, messageMatches, openShop, text } = require('./shop');

async function focusedId(page) {
  return page.evaluate(() => document.activeElement && document.activeElement.id);
}

// Presses Tab until the element `id` has the focus (at most 15 times).
async function tabTo(page, id) {
  for (let i = 0; i < 15; i++) {
    if (await focusedId(page) === id) return;
    await page.keyboard.press('Tab');
  }
  assert.equal(await focusedId(page), id, `Tab never reached #${id}`);
}

// Records what would betray a page that is not self-contained or not sound:
// requests leaving the node's own origin (a CDN, the hub) and script errors.
function watch(page, origin) {
  const seen = { foreign: [], errors: [] };
  page.on('request', (request) => {
    if (!request.url().startsWith(`${origin}/`)) seen.foreign.push(request.url());
  });
  page.on('pageerror', (error) => seen.errors.push(String(error)));
  return seen;
}

test('a volunteer sells a basket with the keyboard only, prints and voids it', async (t) => {
  const network = new Network();
  t.after(() => network.stop());
  await network.startHub();
  const { web } = await network.startNode('hem');
  const familyId = await openShop(network, web);
  const browser = await openBrowser();
  t.after(() => browser.close());
  const { page } = browser;
  const seen = watch(page, web);
  await logIn(page, web);
  await waitFor('the connection indicator', async () =>
    (await text(page, '#connection')).includes('Connecté au siège'));

  // Every visible field has a label a screen reader can read.
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select')]
    .filter((e) => e.labels.length === 0 && !e.getAttribute('aria-label')).map((e) => e.id));
  assert.deepEqual(unlabelled, []);

  // 1. The family, by its card, typed then Enter: the page says it may shop.
  assert.equal(await focusedId(page), 'family-query');
  await page.keyboard.type(familyId.toLowerCase());
  await page.keyboard.press('Enter');
  await waitFor('the family card', async () => (await focusedId(page)) === 'product-input');
  assert.match(await text(page, '#family-card'), /Dupont — HEM-000001/);
  assert.match(await text(page, '#may-shop'), /Peut faire ses courses aujourd'hui/);
  assert.match(await text(page, '#ceiling-left'), /Reste sur le plafond du mois : 60,00 €/);

  // 2. A scanner types digits then Enter, twice; then the haircut, by name.
  for (let i = 0; i < 2; i++) {
    await page.keyboard.type('3428271940015');
    await page.keyboard.press('Enter');
    await waitFor('the scanned line', async () =>
      (await text(page, '#basket-lines')).includes(`Lait demi-écrémé 1 L\t${i + 1}`));
  }
  await page.keyboard.type('coupe');
  await page.keyboard.press('Enter');
  // Who is served: the household's persons, offered next to the article field.
  await waitFor('the member choice', async () =>
    (await page.evaluate(() => document.activeElement.closest('#product-results') !== null)));
  assert.match(await text(page, '#product-question'), /Pour qui est « Coupe enfant » \?/);
  assert.equal(await page.locator('#pay').isDisabled(), true, 'no payment before the member is chosen');
  await page.keyboard.press('ArrowDown');  // Amélie, then Léo
  await page.keyboard.press('Enter');
  await waitFor('the priced basket', async () => !(await page.locator('#pay').isDisabled()));
  assert.equal(await focusedId(page), 'product-input', 'back to the next article');

  // Each line: shop price, family price, saving; the totals and the ceiling.
  const rows = await page.locator('#basket-lines tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.cells].slice(0, 5).map((td) => td.innerText)));
  assert.deepEqual(rows, [
    ['Lait demi-écrémé 1 L', '2', '2,18 €', '0,44 €', '1,74 €'],
    ['Coupe enfant', '1', '15,00 €', '4,50 €', '10,50 €'],
  ]);
  assert.equal(await text(page, '#total-reference'), '17,18 €');
  assert.equal(await text(page, '#total-family'), '4,94 €');
  assert.equal(await text(page, '#total-saved'), '12,24 €');
  assert.match(await text(page, '#ceiling-after'), /il restera 55,06 €/);
  await screenshot(page, 'vente-panier');

  // 3. Pay, by keyboard: Enter on the empty article field, Enter on the payment method.
  await page.keyboard.press('Enter');
  assert.equal(await focusedId(page), 'payment-method');
  await page.keyboard.press('Enter');
  await waitFor('the receipt', async () => (await text(page, '#receipt-text')).includes('Vous payez'));
  const receipt = await text(page, '#receipt-text');
  assert.match(receipt, /Ticket HEM-\d{4}-000001/);
  assert.match(receipt, /Coupe enfant x1 +4,50 €/);
  assert.match(receipt, new RegExp(`^Famille Dupont, carte ${familyId}$`, 'm'), 'the household, by name and card');
  assert.match(receipt, /Coupe enfant x1 .*\n.*remise 70 %\n  pour Léo\n/, 'the person served at the salon');
  assert.doesNotMatch(receipt, /Amélie/, 'nobody else of the household');
  assert.match(receipt, /Vous payez +4,94 €/);
  assert.match(receipt, /Reste sur le plafond du mois +55,06 €/);
  // The sale is over: the next customer starts on the family field, and
  // nothing more can go into this family's basket.
  assert.match(await text(page, '#message'), /Reste sur le plafond du mois : 55,06 €\. Client suivant/);
  assert.equal(await focusedId(page), 'family-query');
  assert.equal(await page.locator('#family-card').isVisible(), false);
  assert.equal(await page.locator('#product-input').isDisabled(), true);
  assert.equal(await page.locator('#print-receipt').isEnabled(), true);
  await screenshot(page, 'vente-ticket');

  // The sale is in the centre's database, not only on the screen.
  const stock = await api(web, 'TillService', 'GetStock', { productId: 'EPI-LAIT-1L' });
  assert.equal(Number(stock.products[0].quantity), 22);

  // 4. Void it: a confirmation first, with a reason; stock and ceiling come back.
  // Escape at the confirmation changes nothing.
  await tabTo(page, 'void-receipt');
  await page.keyboard.press('Enter');
  await waitFor('the confirmation', () => page.locator('#void-dialog').isVisible());
  await page.keyboard.press('Escape');
  await waitFor('the confirmation to close', async () => !(await page.locator('#void-dialog').isVisible()));
  assert.equal(await focusedId(page), 'void-receipt');
  const kept = await api(web, 'TillService', 'GetReceipt', { receiptNo: receipt.match(/HEM-\d{4}-000001/)[0] });
  assert.equal(kept.voided, false, 'Escape does not void');
  await page.keyboard.press('Enter');
  await waitFor('the confirmation', () => page.locator('#void-dialog').isVisible());
  assert.equal(await focusedId(page), 'void-reason');
  await page.keyboard.type('erreur de saisie');
  await page.keyboard.press('Enter');
  await waitFor('the voided receipt', async () =>
    (await text(page, '#receipt-text')).includes('VENTE ANNULÉE'));
  assert.match(await text(page, '#message'), /Vente HEM-\d{4}-000001 annulée : stock et plafond rétablis/);
  const restored = await api(web, 'TillService', 'GetFamily', { familyId });
  assert.equal(Number(restored.ceilingRemainingCents), 6000, 'the ceiling comes back');
  const after = await api(web, 'TillService', 'GetStock', { productId: 'EPI-LAIT-1L' });
  assert.equal(Number(after.products[0].quantity), 24);
  assert.deepEqual(seen.foreign, [], 'the page loads and calls nothing but its own node');
  assert.deepEqual(seen.errors, []);
});

test('a refused sale says why in French and records nothing', async (t) => {
  const network = new Network();
  t.after(() => network.stop());
  await network.startHub();
  const { web } = await network.startNode('hem');
  await openShop(network, web);
  const browser = await openBrowser();
  t.after(() => browser.close());
  const { page } = browser;
  await logIn(page, web);
  await page.fill('#family-query', 'dupont');
  await page.click('text=Chercher');
  await waitFor('the family', async () => (await focusedId(page)) === 'product-input');
  await page.fill('#product-input', '3428271940015');
  await page.fill('#quantity', '30');
  await page.click('#add-product');
  // More than the shelf holds: the till says how many there are and asks.
  await waitFor('the question', () => page.locator('#product-question').isVisible());
  assert.equal(await text(page, '#product-question'),
    'Stock insuffisant pour « Lait demi-écrémé 1 L » : 30 demandés, 24 en stock. Que faire ?');
  assert.deepEqual(await page.locator('#product-results button').allInnerTexts(), ['Ajouter les 24 en stock',
    'Le stock enregistré est faux : vendre les 30 quand même', 'Ne pas ajouter']);
  assert.equal(await page.locator('#basket-lines tr.empty').count(), 1, 'nothing added before an answer');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');  // Ne pas ajouter
  await waitFor('the article field', async () => (await focusedId(page)) === 'product-input');
  assert.equal(await page.locator('#basket-lines tr.empty').count(), 1, 'the line was not added');
  assert.equal(await page.locator('#allow-negative').isChecked(), false);
  // Asked again, the units on the shelf go into the basket.
  await page.fill('#product-input', '3428271940015');
  await page.fill('#quantity', '30');
  await page.press('#product-input', 'Enter');
  await waitFor('the question', () => page.locator('#product-question').isVisible());
  await page.keyboard.press('Enter');  // Ajouter les 24 en stock
  await waitFor('the line', async () => (await text(page, '#basket-lines')).includes('Lait demi-écrémé 1 L\t24'));
  assert.equal(await focusedId(page), 'product-input');
  // A 25th: the shelf is empty; the recorded stock may be wrong, the volunteer says so.
  await page.keyboard.type('3428271940015');
  await page.keyboard.press('Enter');
  await waitFor('the question', () => page.locator('#product-question').isVisible());
  assert.match(await text(page, '#product-question'), /1 demandé, plus rien en stock/);
  await page.click('text=Le stock enregistré est faux : vendre l\'article quand même');
  await waitFor('the line', async () => (await text(page, '#basket-lines')).includes('Lait demi-écrémé 1 L\t25'));
  assert.equal(await page.locator('#allow-negative').isChecked(), true, 'the confirmation is shown in the payment');
  // An unknown product is refused, the basket stays.
  await page.fill('#product-input', '0000000000');
  await page.press('#product-input', 'Enter');
  await waitFor('the unknown product', async () =>
    (await text(page, '#message')).includes('Produit inconnu : 0000000000.'));
  const status = await api(web, 'NodeService', 'GetSyncStatus', {});
  const receiptNo = `HEM-${new Date().getFullYear()}-000001`;
  await assert.rejects(api(web, 'TillService', 'GetReceipt', { receiptNo }), /NOT_FOUND/);
  // And nobody reads it without logging in.
  const anonymous = await fetch(`${web}/api/TillService/GetReceipt`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ receiptNo }) });
  assert.equal(anonymous.status, 401);
  assert.ok(Number(status.ownSeq) > 0);
});

test('the hub stops mid-session: the till still sells, the indicator turns offline and back', async (t) => {
  const network = new Network();
  t.after(() => network.stop());
  const hubAddress = await network.startHub();
  const { web } = await network.startNode('hem');
  const familyId = await openShop(network, web);
  const browser = await openBrowser();
  t.after(() => browser.close());
  const { page } = browser;
  const seen = watch(page, web);
  await logIn(page, web);
  const indicator = () => text(page, '#connection');
  await waitFor('connected and nothing waiting', async () =>
    /Connecté au siège · tout est envoyé/.test(await indicator()));
  await screenshot(page, 'indicateur-connecte');

  await network.hub.stop();
  await waitFor('the indicator to turn offline', async () =>
    /Hors ligne depuis \d\d:\d\d/.test(await indicator()));

  // Sell while the hub is down: nothing waits for it.
  await page.fill('#family-query', familyId);
  await page.press('#family-query', 'Enter');
  await waitFor('the family', async () => (await focusedId(page)) === 'product-input');
  await page.keyboard.type('3428271940015');
  await page.keyboard.press('Enter');
  await waitFor('the priced line', async () => !(await page.locator('#pay').isDisabled()));
  const started = Date.now();
  await page.click('#pay');
  await waitFor('the receipt', async () => (await text(page, '#receipt-text')).includes('Vous payez'));
  assert.ok(Date.now() - started < 3000, 'a sale offline is answered at once');
  await waitFor('the record waiting to be sent', async () =>
    /Hors ligne depuis \d\d:\d\d · 1 enregistrement en attente d'envoi/.test(await indicator()));
  assert.equal(await page.locator('#connection').getAttribute('data-state'), 'offline');
  await screenshot(page, 'hors-ligne');

  // The hub comes back on the same address: the indicator turns back, the sale is sent.
  await network.startHub(hubAddress);
  await waitFor('the indicator to turn back online', async () =>
    /Connecté au siège · tout est envoyé/.test(await indicator()), 20000);
  const sales = JSON.parse(network.cli('--hub', network.hubAdmin, '--json', 'sales', '--from-hub'));
  const hem = (sales.origins || []).find((o) => o.origin === 'hem');
  assert.ok(hem && Number(hem.sales) === 1, `the hub holds hem's sale: ${JSON.stringify(sales)}`);
  assert.deepEqual(seen.foreign, [], 'nothing on the page talks to the hub');
  assert.deepEqual(seen.errors, []);
});

test('the back office: a family and its referral, a donation near its date, a transfer, a workshop', async (t) => {
  const network = new Network();
  t.after(() => network.stop());
  await network.startHub();
  const hem = await network.startNode('hem');
  const lille = await network.startNode('lille');
  await openShop(network, hem.web);
  const browser = await openBrowser();
  t.after(() => browser.close());
  const page = browser.page;
  await logIn(page, hem.web);
  const message = (pattern) => messageMatches(page, pattern);

  // Register a household of two and its referral, with the mouse.
  await page.click('.tabs >> text=Familles');
  await page.fill('#reg-name', 'Lefebvre');
  await page.fill('#member-name-1', 'Nadia');
  await page.selectOption('#member-sex-1', 'FEMALE');
  await page.fill('#member-year-1', '1985');
  await page.click('#reg-add-member');
  await page.fill('#member-name-2', 'Yanis');
  await page.selectOption('#member-sex-2', 'MALE');
  await page.fill('#member-year-2', '2012');
  await page.selectOption('#reg-household', 'SINGLE_PARENT');
  await page.check('#reg-income >> text=AAH');
  await page.fill('#reg-postcode', '59510');
  await page.check('#reg-notice');
  await page.locator('#register-form').getByRole('button', { name: 'Inscrire', exact: true }).click();
  await message(/Foyer Lefebvre inscrit : carte HEM-000002/);
  assert.equal(await page.inputValue('#ref-family'), 'HEM-000002');
  await page.fill('#ref-end', frenchDay(dayPlus(120)));
  await page.fill('#ref-ceiling', '45,50');
  await page.fill('#ref-project', 'Reprise d\'emploi');
  await screenshot(page, 'familles');
  await page.getByRole('button', { name: 'Enregistrer l\'orientation' }).click();
  await message(/Orientation HEM-R-000002 : famille HEM-000002, .* plafond 45,50 € par mois\./);
  await page.click('.tabs >> text=Vente');
  await page.fill('#family-query', 'lefeb');
  await page.press('#family-query', 'Enter');
  await waitFor('the family card', async () => (await focusedId(page)) === 'product-input');
  assert.match(await text(page, '#family-card'), /Lefebvre — HEM-000002/);
  assert.match(await text(page, '#ceiling-left'), /Reste sur le plafond du mois : 45,50 €/);

  // A donation whose use-by date is close: the stock screen shows it apart.
  await page.click('.tabs >> text=Stock');
  await page.fill('#rcv-product', 'EPI-LAIT-1L');
  await page.fill('#rcv-quantity', '12');
  await page.selectOption('#rcv-donor', 'leclerc');
  // The lists reload each time a screen is shown: a choice already made in a
  // form being filled in stays what the volunteer chose.
  await page.$eval('#rcv-donor', (select) => { select.options[0].dataset.before = 'yes'; });
  await page.click('.tabs >> text=Vente');
  await page.click('.tabs >> text=Stock');
  await waitFor('the donors list reloaded', async () =>
    page.$eval('#rcv-donor', (select) => !select.options[0].dataset.before));
  assert.equal(await page.inputValue('#rcv-donor'), 'leclerc', 'the donor chosen stays chosen');
  await page.fill('#rcv-lot', 'L2612');
  await page.selectOption('#rcv-kind', 'DLC');
  await page.fill('#rcv-day', frenchDay(dayPlus(3)));
  await page.getByRole('button', { name: 'Entrer en stock' }).click();
  await message(/Lot HEM-L-000002 entré en stock : Lait demi-écrémé 1 L × 12, don de Hyper Leclerc\./);
  await page.fill('#stock-within', '4');
  await page.click('#stock-filter >> text=Afficher');
  await waitFor('lots within 4 days only', async () => {
    const lots = await text(page, '#stock-lines');
    return lots.includes('HEM-L-000002 : 12') && !lots.includes('HEM-L-000001');
  });
  assert.equal(await page.locator('#stock-lines .soon').count(), 1, 'the lot near its date stands out');
  await page.fill('#stock-within', '0');
  await page.click('#stock-filter >> text=Afficher');
  await waitFor('every lot', async () => (await text(page, '#stock-lines')).includes('HEM-L-000001 : 24'));
  await screenshot(page, 'stock');

  // Hem asks Lille for milk; Lille accepts and ships; Hem receives it.
  await api(lille.web, 'TillService', 'ReceiveStock', { productId: 'EPI-LAIT-1L', quantity: 40, donorId: 'leclerc' });
  // Hem offers the centres it knows of: Lille once its events have arrived.
  await waitFor('Hem to know of Lille', async () =>
    (await api(hem.web, 'TillService', 'GetCatalogue', {})).centres.some((c) => c.site === 'lille'));
  await page.click('.tabs >> text=Transferts');
  await page.selectOption('#tr-kind', 'REQUEST');
  await page.selectOption('#tr-site', 'lille');
  await page.fill('#tr-product', 'EPI-LAIT-1L');
  await page.fill('#tr-quantity', '10');
  await page.getByRole('button', { name: 'Envoyer la demande' }).click();
  await message(/Demande HEM-T-000001 envoyée à Lille : Lait demi-écrémé 1 L × 10\./);
  const lillePage = await browser.context.newPage();
  await logIn(lillePage, lille.web);
  await waitFor('the request to reach Lille', async () => {
    await lillePage.click('.tabs >> text=Transferts');
    return (await lillePage.locator('#transfer-lines').innerText()).includes('HEM-T-000001');
  });
  await lillePage.click('#transfer-lines >> text=Accepter');
  await waitFor('accepted', async () => (await lillePage.locator('#transfer-lines').innerText()).includes('accepté'));
  await lillePage.click('#transfer-lines >> text=Expédier…');
  await lillePage.click('#ship-confirm');
  await waitFor('shipped', async () => (await lillePage.locator('#transfer-lines').innerText()).includes('expédié'));
  await waitFor('the shipment to reach Hem', async () => {
    await page.click('.tabs >> text=Transferts');
    return (await text(page, '#transfer-lines')).includes('expédié');
  });
  await page.click('#transfer-lines >> text=Tout est arrivé');
  await message(/Demande HEM-T-000001 : reçue, tout est entré en stock\./);
  await waitFor('the transfer received', async () =>
    /Lille → Hem\s+Lait demi-écrémé 1 L × 10\s+reçu/.test(await text(page, '#transfer-lines')));
  await screenshot(page, 'transferts');
  const milk = await api(hem.web, 'TillService', 'GetStock', { productId: 'EPI-LAIT-1L' });
  assert.equal(Number(milk.products[0].quantity), 24 + 12 + 10);

  // A workshop today: register Nadia, then note she came.
  await page.click('.tabs >> text=Ateliers');
  await page.fill('#ws-theme', 'Atelier cuisine');
  await page.fill('#ws-day', frenchDay(dayPlus(0)));
  await page.fill('#ws-places', '8');
  await page.getByRole('button', { name: 'Programmer', exact: true }).click();
  await message(/Atelier HEM-W-000001 programmé/);
  // Next: registering people for it.
  assert.equal(await focusedId(page), 'seat-family');
  assert.equal(await page.inputValue('#seat-workshop'), 'HEM-W-000001');
  await page.fill('#seat-family', 'hem-000002');
  await page.fill('#seat-member', '1');
  await page.locator('#seat-form').getByRole('button', { name: 'Inscrire', exact: true }).click();
  await message(/Inscription notée à l'atelier HEM-W-000001 : HEM-000002 personne 1\./);
  assert.equal(await focusedId(page), 'seat-family', 'the next person');
  assert.equal(await page.inputValue('#seat-family'), '');
  await page.click('#workshop-lines >> text=Présent');
  await message(/Présence notée : HEM-000002 personne 1\./);
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Présent', 'the focus stays on the line');
  await waitFor('attendance shown', async () =>
    (await text(page, '#workshop-lines')).includes('HEM-000002 personne 1 : présente'));
  assert.match(await text(page, '#workshop-lines'), /1 \/ 8/);
  await screenshot(page, 'ateliers');
});
