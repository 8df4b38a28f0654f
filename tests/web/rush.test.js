// The web till at rush hour, in chromium against a real hub and node: a
// barcode scanner types its digits a few milliseconds apart then Enter, and
// nothing it types is lost, mixed up, or charged to the wrong family.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { api, waitFor } = require('./daemons');
const { NOTICE_VERSION, messageMatches, openShop, scan, shopAtHem, text } = require('./shop');


const PRODUCTS = [
  ['EPI-PATES', 'Pâtes 500 g', '0,89', '3560070614202'],
  ['EPI-RIZ', 'Riz 1 kg', '1,59', '3560071025748'],
];

async function openRushShop(network, web) {
  const familyId = await openShop(network, web);  // milk 3428271940015, a haircut
  for (const [id, name, price, barcode] of PRODUCTS) {
    network.cli('--hub', network.hubAdmin, 'hub', 'define-product', '--id', id, '--name', name,
      '--department', 'epicerie', '--price', price, '--barcode', barcode);
  }
  // The products reach the centre through the hub: only then can it stock them.
  await waitFor('the catalogue', async () =>
    (await api(web, 'TillService', 'GetCatalogue', {})).products.length === 4);
  for (const [id] of PRODUCTS) {
    await api(web, 'TillService', 'ReceiveStock', { productId: id, quantity: 50, donorId: 'leclerc' });
  }
  return familyId;
}

const basketNames = (page) => page.locator('#basket-lines tr td:first-child').allInnerTexts();

test('three products scanned back to back, and a scan right after the family\'s Enter, all land in order', async (t) => {
  const { network, web, admin, familyId, page } = await shopAtHem(t, { login: 'victor', open: openRushShop });

  // The family's Enter, then at once the first scan: it waits for the family.
  await page.keyboard.type(familyId);
  await page.keyboard.press('Enter');
  await scan(page, '3428271940015');
  // Then two more, back to back, while the till prices the first.
  await scan(page, PRODUCTS[0][3]);
  await scan(page, PRODUCTS[1][3]);
  await waitFor('three lines', async () => (await basketNames(page)).length === 3
    && !(await page.locator('#pay').isDisabled()));
  assert.deepEqual(await basketNames(page), ['Lait demi-écrémé 1 L', 'Pâtes 500 g', 'Riz 1 kg']);
  assert.equal(await page.locator('#product-input').inputValue(), '', 'no digits left over');
  assert.equal(await page.locator('#family-query').inputValue(), familyId, 'nothing typed into the family');
});

test('after choosing the person served at the salon, the focus is back on the article field', async (t) => {
  const { network, web, admin, familyId, page } = await shopAtHem(t, { login: 'victor', open: openRushShop });
  await page.keyboard.type(familyId);
  await page.keyboard.press('Enter');
  await waitFor('the family', async () =>
    (await page.evaluate(() => document.activeElement.id)) === 'product-input');
  await page.keyboard.type('coupe');
  await page.keyboard.press('Enter');
  await waitFor('the member choice', async () =>
    (await page.evaluate(() => document.activeElement.closest('#product-results') !== null)));
  await page.keyboard.press('ArrowDown');  // Amélie, then Léo
  await page.keyboard.press('Enter');
  await waitFor('the article field', async () =>
    (await page.evaluate(() => document.activeElement.id)) === 'product-input');
  // The next scan goes where it belongs.
  await scan(page, PRODUCTS[0][3]);
  await waitFor('two lines', async () => (await basketNames(page)).length === 2);
  assert.deepEqual(await basketNames(page), ['Coupe enfant', 'Pâtes 500 g']);
});

test('after Encaisser, a scan without choosing a family is refused in French and sells nothing', async (t) => {
  const { network, web, admin, familyId, page } = await shopAtHem(t, { login: 'victor', open: openRushShop });
  await page.keyboard.type(familyId);
  await page.keyboard.press('Enter');
  await scan(page, PRODUCTS[0][3]);
  await waitFor('the priced line', async () => !(await page.locator('#pay').isDisabled()));
  await page.click('#pay');
  await messageMatches(page, /Vente enregistrée : ticket HEM-\d{4}-000001.*Client suivant/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'family-query');

  // The next customer's first scan, before a family is chosen.
  await scan(page, PRODUCTS[1][3]);
  await messageMatches(page, /Choisissez d'abord la famille : « 3560071025748 » est le code-barres d'un article, rien n'a été vendu\./);
  assert.deepEqual(await basketNames(page), ['Panier vide.']);
  const sales = JSON.parse(network.cli('--node', admin, '--json', 'sales'));
  const hem = (sales.origins || []).find((o) => o.origin === 'hem');
  assert.equal(Number(hem.sales), 1, 'the previous family was charged once, not twice');
});

test('the next customer\'s card typed right after Encaisser goes to the family field, not this basket', async (t) => {
  const { network, web, admin, familyId, page } = await shopAtHem(t, { login: 'victor', open: openRushShop });
  const next = await api(web, 'TillService', 'RegisterFamily', {
    familyName: 'Martin', householdType: 'SINGLE_PERSON', incomeSources: ['WAGES'],
    members: [{ firstName: 'Jeanne', sex: 'FEMALE', birthYear: 1960 }], noticeVersion: NOTICE_VERSION,
  });
  await page.keyboard.type(familyId);
  await page.keyboard.press('Enter');
  await scan(page, PRODUCTS[0][3]);
  await waitFor('the priced line', async () => !(await page.locator('#pay').isDisabled()));
  // Entrée on the empty article field, Entrée on the payment method, and at
  // once the next card, scanned while the sale is being recorded.
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await scan(page, next.familyId);
  await waitFor('the next family', async () => (await text(page, '#family-card')).includes(`Martin — ${next.familyId}`));
  const sales = JSON.parse(network.cli('--node', admin, '--json', 'sales'));
  const hem = (sales.origins || []).find((o) => o.origin === 'hem');
  assert.equal(Number(hem.sales), 1);
  const receipt = await api(web, 'TillService', 'GetReceipt', { receiptNo: `HEM-${new Date().getFullYear()}-000001` });
  assert.ok(receipt.text.includes(familyId), 'the sale is the first family\'s');
  assert.ok(!receipt.text.includes(next.familyId));
  assert.equal(await page.locator('#family-query').inputValue(), '', 'the card was looked up, not left in the field');
});
