// The web till never leaves the volunteer stuck or lost: after each step the
// focus is where the next one starts, a refusal says what to do next, the
// message is beside the work, and on a 1024×768 screen the basket's total and
// Encaisser stay in view. In chromium against a real hub and node.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { api, waitFor } = require('./daemons');
const { screenshot } = require('./browser');
const { NOTICE_VERSION, dayPlus, messageMatches, scan, shopAtHem, text } = require('./shop');

const MILK = '3428271940015';
const focusedId = (page) => page.evaluate(() => document.activeElement.id);
const inChoices = (page) => page.evaluate(() => document.activeElement.closest('#product-results') !== null);
const basketNames = (page) => page.locator('#basket-lines tr td:first-child').allInnerTexts();
// The panel the message line is in ('' at the top of the screen).
const messagePanel = (page) => page.evaluate(() => {
  const panel = document.getElementById('message').closest('.panel, dialog');
  return panel ? panel.id : '';
});

async function family(web, name, ceilingCents) {
  const made = await api(web, 'TillService', 'RegisterFamily', {
    familyName: name, householdType: 'SINGLE_PARENT', incomeSources: ['RSA'],
    members: [{ firstName: 'Nadia', sex: 'FEMALE', birthYear: 1988 },
      { firstName: 'Yanis', sex: 'MALE', birthYear: 2016 }],
    noticeVersion: NOTICE_VERSION,
  });
  if (ceilingCents !== undefined) {
    await api(web, 'TillService', 'GrantReferral', {
      familyId: made.familyId, prescriberId: 'ccas-hem', endDay: dayPlus(30), monthlyCeilingCents: ceilingCents,
    });
  }
  return made.familyId;
}

const shop = (t, login = 'victor') => shopAtHem(t, { login });

async function chooseFamily(page, familyId) {
  await page.keyboard.type(familyId);
  await page.keyboard.press('Enter');
  await page.locator('#family-card').waitFor();
}

test('a wrong quantity is refused in French, the article kept for Entrée, and the next scan lands', async (t) => {
  const { page, familyId } = await shop(t);
  await chooseFamily(page, familyId);
  await waitFor('the article field', async () => (await focusedId(page)) === 'product-input');
  await page.fill('#quantity', '0');
  await page.fill('#product-input', MILK);
  await page.press('#quantity', 'Enter');
  await messageMatches(page, /Quantité « 0 » impossible : un nombre entier de 1 à 100 000\. « 3428271940015 » n'est pas ajouté ; Entrée pour en ajouter 1\./);
  assert.equal(await messagePanel(page), 'product-form', 'the message is beside the article field');
  assert.equal(await focusedId(page), 'product-input', 'the next scan goes to the article, not the quantity');
  assert.equal(await page.locator('#quantity').inputValue(), '1');
  assert.deepEqual(await basketNames(page), ['Panier vide.']);
  // The kept article is selected: a new scan replaces it.
  await scan(page, MILK);
  await waitFor('one milk', async () => (await text(page, '#basket-lines')).includes('Lait demi-écrémé 1 L\t1'));
});

test('a haircut that breaks the monthly ceiling leaves the basket, the rest keeps its prices', async (t) => {
  const { page, web } = await shop(t);
  const small = await family(web, 'Martin', 400);  // 4 € a month; a child's haircut costs the family 4,50 €
  await chooseFamily(page, small);
  await scan(page, MILK);
  await waitFor('the milk', async () => !(await page.locator('#pay').isDisabled()));
  await page.keyboard.type('coupe');
  await page.keyboard.press('Enter');
  await waitFor('who is served', () => inChoices(page));
  assert.match(await text(page, '#ceiling-after'), /Choisissez la personne servie pour « Coupe enfant » avant d'encaisser/);
  assert.equal(await page.locator('#total-family').innerText(), '0,22 €', 'the milk keeps its price meanwhile');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');  // Yanis
  await messageMatches(page, /Plafond mensuel dépassé.*« Coupe enfant » est retiré du panier\./);
  assert.deepEqual(await basketNames(page), ['Lait demi-écrémé 1 L']);
  assert.equal(await page.locator('#total-family').innerText(), '0,22 €');
  assert.equal(await page.locator('#pay').isDisabled(), false, 'the rest of the basket can be paid');
  assert.equal(await focusedId(page), 'product-input');
});

test('a family without a referral: the next step is said, and the next card goes to an empty field', async (t) => {
  const { page, web } = await shop(t);
  const unreferred = await family(web, 'Petit');
  await chooseFamily(page, unreferred);
  assert.match(await text(page, '#family-card'), /Ne peut pas faire d'achat/);
  assert.match(await text(page, '#family-card'), /demandez à un coordinateur de l'enregistrer \(écran Familles\)/);
  assert.equal(await focusedId(page), 'family-query');
  assert.equal(await page.locator('#family-query').inputValue(), '', 'the next scan is not appended');
  assert.equal(await page.locator('#product-input').isDisabled(), true);
  await scan(page, MILK);
  await messageMatches(page, /Choisissez d'abord la famille/);
  assert.equal(await messagePanel(page), 'family-form');
});

test('a coordinator goes from a family without a referral to its referral form', async (t) => {
  const { page, web } = await shop(t, 'coline');
  const unreferred = await family(web, 'Petit');
  await chooseFamily(page, unreferred);
  await page.click('#refer-family');
  await waitFor('the referral form', async () => (await focusedId(page)) === 'ref-prescriber');
  assert.equal(await page.locator('#ref-family').inputValue(), unreferred);
});

test('each screen opens with the focus on its first field; back on the sale, the family field', async (t) => {
  const { page } = await shop(t, 'coline');
  const tabs = await page.locator('.tabs button').evaluateAll((bs) => bs.map((b) => b.dataset.screen));
  for (const screen of [...tabs.slice(1), 'sale']) {
    await page.click(`.tabs button[data-screen="${screen}"]`);
    const where = await page.evaluate(() => {
      const at = document.activeElement;
      return { tag: at.tagName, screen: at.closest('.screen') ? at.closest('.screen').id : '' };
    });
    // A screen without a form (the donors' figures) gets the focus on its title.
    const expected = screen === 'donors' ? ['H2'] : ['INPUT', 'SELECT'];
    assert.ok(expected.includes(where.tag), `${screen}: the focus is on ${where.tag}`);
    assert.equal(where.screen, `screen-${screen}`);
  }
  assert.equal(await focusedId(page), 'family-query');
});

test('a void is confirmed beside the receipt, and the next customer starts on the family field', async (t) => {
  const { page, familyId } = await shop(t, 'coline');
  await chooseFamily(page, familyId);
  await scan(page, MILK);
  await waitFor('the milk', async () => !(await page.locator('#pay').isDisabled()));
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await messageMatches(page, /Vente enregistrée/);
  assert.equal(await messagePanel(page), 'family-form', 'said where the next customer starts');
  await page.click('#void-receipt');
  // Confirming without a reason is refused in French, in the dialog.
  await page.click('#void-confirm');
  await messageMatches(page, /Donnez le motif de l'annulation/);
  assert.equal(await messagePanel(page), 'void-dialog');
  await page.fill('#void-reason', 'erreur de saisie');
  await page.click('#void-confirm');
  await messageMatches(page, /Vente HEM-\d{4}-000001 annulée/);
  assert.equal(await messagePanel(page), 'receipt-panel');
  assert.equal(await page.locator('#message').getAttribute('role'), 'alert', 'read by screen readers');
  assert.equal(await focusedId(page), 'family-query');
});

test('at 1024×768 the total and Encaisser stay in view, and no screen overflows sideways', async (t) => {
  const { page, network, web, familyId } = await shop(t, 'coline');
  await page.setViewportSize({ width: 1024, height: 768 });
  for (const [id, name, barcode] of [['EPI-PATES', 'Pâtes 500 g', '3560070614202'],
    ['EPI-RIZ', 'Riz 1 kg', '3560071025748'], ['EPI-SUCRE', 'Sucre 1 kg', '3560070000001']]) {
    network.cli('--hub', network.hubAdmin, 'hub', 'define-product', '--id', id, '--name', name,
      '--department', 'epicerie', '--price', '1', '--barcode', barcode);
  }
  await waitFor('the catalogue', async () =>
    (await api(web, 'TillService', 'GetCatalogue', {})).products.length === 5);
  for (const id of ['EPI-PATES', 'EPI-RIZ', 'EPI-SUCRE']) {
    await api(web, 'TillService', 'ReceiveStock', { productId: id, quantity: 10, donorId: 'leclerc' });
  }
  // Lille's surplus and a need, so that the Surplus screen has its widest rows.
  const lille = await network.startNode('lille');
  const lot = await api(lille.web, 'TillService', 'ReceiveStock',
    { productId: 'EPI-RIZ', quantity: 60, donorId: 'leclerc', lotNumber: 'LOT-RIZ-2026-11', expiryKind: 'DDM',
      expiryDay: dayPlus(200) });
  await api(lille.web, 'TillService', 'MarkSurplus', { lotId: lot.lotId, quantity: 60 });
  await api(lille.web, 'TillService', 'SetMinimum', { productId: 'EPI-PATES', minimum: 100 });
  await waitFor('Lille\'s surplus at Hem', async () =>
    ((await api(web, 'TillService', 'ListSurplus', {})).surplus || []).length > 0);
  await chooseFamily(page, familyId);
  // A haircut for Léo first: the widest line.
  await page.keyboard.type('coupe');
  await page.keyboard.press('Enter');
  await waitFor('who is served', () => inChoices(page));
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await waitFor('the haircut', async () => !(await page.locator('#pay').isDisabled()));
  for (const barcode of [MILK, '3560070614202', '3560071025748', '3560070000001']) {
    await scan(page, barcode);
  }
  await waitFor('five lines', async () => (await basketNames(page)).length === 5
    && !(await page.locator('#pay').isDisabled()));
  const inView = (selector) => page.locator(selector).evaluate((e) => {
    const box = e.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight && box.right <= window.innerWidth;
  });
  await screenshot(page, 'vente-1024x768');
  assert.ok(await inView('#pay'), 'Encaisser is in view');
  assert.ok(await inView('#total-family'), 'the total is in view');
  assert.ok(await inView('#basket-lines tr:last-child'), 'the last line scanned is in view');
  assert.ok(await page.locator('#basket-panel').evaluate((e) => e.scrollWidth <= e.clientWidth),
    'the basket fits its width');
  const tabs = await page.locator('.tabs button').evaluateAll((bs) => bs.map((b) => b.dataset.screen));
  for (const screen of tabs) {
    await page.click(`.tabs button[data-screen="${screen}"]`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${screen}: the page is ${overflow} px wider than the window`);
    const wide = await page.evaluate(() => [...document.querySelectorAll('.screen:not([hidden]) .panel')]
      .filter((panel) => panel.scrollWidth > panel.clientWidth)
      .map((panel) => `${panel.id || panel.className} (${panel.scrollWidth - panel.clientWidth} px)`));
    assert.deepEqual(wide, [], `${screen}: panels wider than their box`);
    if (screen === 'surplus') {
      await page.locator('#surplus-lines tr').first().waitFor();
      await screenshot(page, 'surplus-1024x768');
    }
  }
});

test('a haircut for a named child, paid in cash, with the keyboard only', async (t) => {
  const { page, web, familyId } = await shop(t);
  // Every key pressed, counted: the text typed (the card, the article's name) and the others.
  const keys = [];
  const press = async (key) => { keys.push(key); await page.keyboard.press(key); };
  const type = async (words) => { keys.push(...words); await page.keyboard.type(words); };
  await type(familyId);
  await press('Enter');
  await waitFor('the family', async () => (await focusedId(page)) === 'product-input');
  await type('coupe');
  await press('Enter');
  await waitFor('who is served', () => inChoices(page));
  await press('ArrowDown');  // Amélie, then Léo
  await press('Enter');
  await waitFor('the priced haircut', async () => !(await page.locator('#pay').isDisabled()));
  await press('Enter');  // the empty article field: to the payment
  await press('Enter');  // Espèces, the method shown: pay
  await messageMatches(page, /Vente enregistrée/);
  const receiptNo = (await text(page, '#message')).match(/HEM-\d{4}-\d{6}/)[0];
  const receipt = await api(web, 'TillService', 'GetReceipt', { receiptNo });
  assert.match(receipt.text, /Coupe enfant/);
  assert.match(receipt.text, /Paiement : espèces/);
  const others = keys.filter((k) => k.length > 1);
  assert.deepEqual(others, ['Enter', 'Enter', 'ArrowDown', 'Enter', 'Enter', 'Enter'], 'no Tab to recover the focus');
  // The figure the README gives.
  console.log(`# keystrokes: ${keys.length} in all, ${others.length} besides the card number and the article's name`);
});
