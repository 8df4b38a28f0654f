// A household's right of access in the web till (GDPR Article 15), in
// chromium against a real hub and node: a coordinator opening a household
// sees « Exporter les données du foyer », which opens the node's French
// document of what is held (names, the sale and its receipt number) and offers
// the same data as JSON; a volunteer sees no such button, and the API refuses
// them in French all the same.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { api, waitFor } = require('./daemons');
const { screenshot } = require('./browser');
const { openTill, shopAtHem } = require('./shop');

test('a coordinator exports a household\'s data; a volunteer cannot', async (t) => {
  const { web, familyId, page } = await shopAtHem(t);
  const sale = await api(web, 'TillService', 'RecordSale', {
    familyId, items: [{ productId: 'EPI-LAIT-1L', quantity: '2' }], paymentMethod: 'CASH',
  });

  await page.click('.tabs >> text=Familles');
  await page.fill('#edit-card', familyId);
  await page.getByRole('button', { name: 'Ouvrir le foyer' }).click();
  await waitFor('the household', () => page.locator('#edit-form').isVisible());
  const button = page.getByRole('button', { name: 'Exporter les données du foyer' });
  assert.ok(await button.isVisible(), 'a coordinator sees the button');
  const [exported] = await Promise.all([page.context().waitForEvent('page'), button.click()]);
  await exported.waitForLoadState();
  assert.equal(new URL(exported.url()).pathname, '/family_export.html');
  await exported.locator('main.family-export h1').waitFor();
  assert.equal(await exported.locator('h1').innerText(), `Vos données personnelles — carte ${familyId}`);
  const body = await exported.locator('main').innerText();
  for (const said of ['Dupont', 'Amélie', 'Léo', 'Famille monoparentale', 'RSA', 'CCAS',
    `Ticket ${sale.receiptNo}`, 'Lait demi-écrémé 1 L', 'espèces', 'Dépenses par mois']) {
    assert.ok(body.includes(said), `the document says « ${said} »`);
  }
  assert.ok(!body.includes('EPI-LAIT-1L'), 'no product id');
  // Styled by family_export.css (the page's CSP allows no inline style).
  assert.equal(await exported.locator('main').evaluate((m) => getComputedStyle(m).maxWidth), '960px');
  // The same data as JSON, to save.
  const json = exported.getByRole('link', { name: 'Enregistrer les données (JSON)' });
  assert.equal(await json.getAttribute('download'), `foyer-${familyId}.json`);
  const [download] = await Promise.all([exported.waitForEvent('download'), json.click()]);
  assert.equal(download.suggestedFilename(), `foyer-${familyId}.json`);
  const data = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  assert.equal(data.identity.familyName, 'Dupont');
  assert.equal(data.visits[0].receiptNo, sale.receiptNo);
  assert.equal(data.html, undefined, 'the document is not repeated in the JSON');
  await screenshot(exported, 'family-export');
  await exported.close();

  // A volunteer: no button, and the API says no in French.
  const { page: victor } = await openTill(t, web, 'victor');
  await victor.click('.tabs >> text=Familles');
  await victor.fill('#edit-card', familyId);
  await victor.getByRole('button', { name: 'Ouvrir le foyer' }).click();
  await waitFor('the household', () => victor.locator('#edit-form').isVisible());
  assert.equal(await victor.getByRole('button', { name: 'Exporter les données du foyer' }).count(), 0);
  const refusal = await victor.evaluate(async (card) => {
    const session = await (await fetch('/api/AccountService/GetSession', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).json();
    const answer = await fetch('/api/TillService/ExportFamily', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Comptoir-Csrf': session.csrfToken },
      body: JSON.stringify({ familyId: card, html: true }),
    });
    return { status: answer.status, body: await answer.json() };
  }, familyId);
  assert.equal(refusal.status, 403);
  assert.equal(refusal.body.message,
    'Votre rôle (bénévole) ne permet pas d\'effacer ou d\'exporter les données d\'un foyer : demandez à un coordinateur.');
});

test('a coordinator erases a household\'s personal data after typing its card again', async (t) => {
  const { familyId, page } = await shopAtHem(t);
  await page.click('.tabs >> text=Familles');
  await page.fill('#edit-card', familyId);
  await page.getByRole('button', { name: 'Ouvrir le foyer' }).click();
  await waitFor('the household', () => page.locator('#edit-form').isVisible());
  assert.equal(await page.locator('#edit-name').inputValue(), 'Dupont');
  const erase = page.getByRole('button', { name: 'Effacer les données du foyer' });

  // Without the card typed again, nothing is erased.
  await page.fill('#erase-confirm', 'HEM-9');
  await erase.click();
  await waitFor('the refusal', async () => (await page.locator('#message').innerText())
    .includes(`tapez le numéro de carte ${familyId}`));
  assert.equal(await page.locator('#edit-name').inputValue(), 'Dupont');

  await page.fill('#erase-confirm', familyId.toLowerCase());
  await erase.click();
  await waitFor('the erasure', () => page.locator('#erased-note').isVisible());
  assert.match(await page.locator('#erased-note').innerText(),
    /^Données personnelles effacées le \d\d\/\d\d\/\d{4}/);
  assert.equal(await page.locator('#edit-name').inputValue(), '', 'the name is gone');
  assert.equal(await erase.count(), 0, 'nothing left to erase');
  assert.ok((await page.locator('#message').innerText()).includes('effacées'));
});
