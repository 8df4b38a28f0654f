// The information notice at registration (GDPR Article 13), in chromium
// against a real hub and node: the registration form asks, in French next to
// its checkbox, that the household received the notice; the notice opens from
// the form, in French, and asks to be printed; the version is recorded with
// the family, and neither the JSON API nor the command line registers a
// household without it.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { Network, api, waitFor } = require('./daemons');
const { openBrowser, screenshot } = require('./browser');
const { NOTICE_VERSION, dayPlus, frenchDay, logIn, messageMatches, text } = require('./shop');

test('a household is registered only once it received the notice, printed from the form', async (t) => {
  const network = new Network();
  t.after(() => network.stop());
  await network.startHub();
  const { web, admin } = await network.startNode('hem');
  const browser = await openBrowser();
  t.after(() => browser.close());
  const { context, page } = browser;
  // Counts the print requests instead of opening the printer's dialog.
  await context.addInitScript(() => {
    window.printRequests = 0;
    window.print = () => { window.printRequests += 1; };
  });
  const calls = [];
  page.on('request', (request) => {
    const method = /^\/api\/\w+\/(\w+)$/.exec(new URL(request.url()).pathname);
    if (method) calls.push(method[1]);
  });
  await logIn(page, web);
  await page.click('.tabs >> text=Familles');
  assert.equal(await text(page, 'label:has(#reg-notice)'),
    `La famille a reçu la notice d'information (version ${NOTICE_VERSION})`);

  // Everything filled but the tick: said in French next to the checkbox, nothing sent.
  await page.fill('#reg-name', 'Dupont');
  await page.fill('#member-name-1', 'Amélie');
  await page.fill('#member-year-1', '1990');
  await page.locator('#register-form').getByRole('button', { name: 'Inscrire', exact: true }).click();
  const error = page.locator('label:has(#reg-notice) + .field-error');
  await error.waitFor();
  assert.equal(await error.innerText(), 'À cocher : c\'est obligatoire.');
  assert.equal(await page.getAttribute('#reg-notice', 'aria-invalid'), 'true');
  assert.equal(await page.getAttribute('#reg-notice', 'aria-describedby'), await error.getAttribute('id'));
  assert.equal(await page.evaluate(() => document.activeElement.id), 'reg-notice');
  assert.ok(!calls.includes('RegisterFamily'), 'nothing is sent without the tick');

  // The notice opens from the form, in French, with today's version, and asks to be printed.
  const [notice] = await Promise.all([context.waitForEvent('page'),
    page.getByRole('button', { name: 'Imprimer la notice d\'information' }).click()]);
  await notice.waitForLoadState();
  assert.equal(new URL(notice.url()).pathname, '/notice.html');
  await waitFor('the notice\'s version', async () => (await text(notice, '#notice-version')) === NOTICE_VERSION);
  await waitFor('the notice to ask for the printer', () => notice.evaluate(() => window.printRequests === 1));
  assert.equal(await notice.getAttribute('html', 'lang'), 'fr');
  assert.equal(await text(notice, 'h1'), 'Vos données personnelles à l\'épicerie solidaire');
  const body = await text(notice, 'main');
  for (const said of ['PACTE 59', 'travailleur social', 'plafond', 'statistiques anonymes',
    'année de naissance', 'reste à vivre', 'jamais vendues', '24 mois', 'référentiel de la CNIL',
    'droit d\'accès', 'rectification', 'effacer', 'limiter', 'opposer', 'coordinateur',
    'vous plaindre auprès de la CNIL']) {
    assert.ok(body.includes(said), `the notice says « ${said} »`);
  }
  await screenshot(notice, 'notice');
  // Printed: one A4 page (the page's print style).
  const pdf = (await notice.pdf({ format: 'A4', preferCSSPageSize: true })).toString('latin1');
  assert.equal(/\/Count (\d+)/.exec(pdf)[1], '1', 'the notice prints on one A4 page');
  await notice.close();

  // Ticked: registered, the tick's error gone, the version and the day recorded.
  await page.check('#reg-notice');
  assert.equal(await error.count(), 0, 'a ticked box is no longer wrong');
  await page.locator('#register-form').getByRole('button', { name: 'Inscrire', exact: true }).click();
  await messageMatches(page, /Foyer Dupont inscrit : carte HEM-000001/);
  const family = await api(web, 'TillService', 'GetFamily', { familyId: 'HEM-000001' });
  assert.equal(family.noticeVersion, NOTICE_VERSION);
  assert.equal(family.noticeDay, dayPlus(0));
  assert.equal(await page.isChecked('#reg-notice'), false, 'the next household is asked again');
  assert.ok(network.cli('--node', admin, 'family', 'show', 'HEM-000001').includes(
    `Notice d'information remise : version ${NOTICE_VERSION}, le ${frenchDay(dayPlus(0))}`));

  // A coordinator opening the household sees it; a notice given again is recorded.
  await page.fill('#edit-card', 'HEM-000001');
  await page.getByRole('button', { name: 'Ouvrir le foyer' }).click();
  await waitFor('the household', () => page.locator('#edit-form').isVisible());
  assert.equal(await text(page, '#edit-notice'),
    `Notice d'information remise : version ${NOTICE_VERSION}, le ${frenchDay(dayPlus(0))}.`);
  await page.check('#edit-notice-given');
  await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
  await messageMatches(page, /Foyer HEM-000001 modifié : notice d'information remise\./);
  assert.equal(await page.isChecked('#edit-notice-given'), false);

  // Without the notice, through the JSON API or the command line: refused, in French.
  await assert.rejects(api(web, 'TillService', 'RegisterFamily', {
    familyName: 'Martin', householdType: 'SINGLE_PERSON',
    members: [{ firstName: 'Paul', sex: 'MALE', birthYear: 1961 }],
  }), /INVALID_ARGUMENT Remettez d'abord la notice d'information/);
  await assert.rejects(api(web, 'TillService', 'RegisterFamily', {
    familyName: 'Martin', householdType: 'SINGLE_PERSON', noticeVersion: '1999-01',
    members: [{ firstName: 'Paul', sex: 'MALE', birthYear: 1961 }],
  }), /Version de la notice d'information inconnue : « 1999-01 »/);
  assert.throws(() => network.cli('--node', admin, 'family', 'register', '--name', 'Martin',
    '--member', 'Paul:M:1961', '--household', 'single-person'), /--notice-given/);
  const families = await api(web, 'TillService', 'SearchFamilies', { query: 'Martin' });
  assert.equal((families.families || []).length, 0, 'no Martin registered');
});
