// End-to-end test of head office's dashboard: Debian's chromium against a
// real hub and two real centres whose sales reach the hub by sync. The
// numbers the page draws must be those StatsService returns for the same
// query, fetched from the hub's own JSON API.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { Network, PASSWORD, api, waitFor } = require('./daemons');
const { openBrowser, screenshot } = require('./browser');
const { NOTICE_VERSION } = require('./shop');

// A day in Europe/Paris (the statistics' days), `days` from today, as YYYY-MM-DD.
function dayPlus(days) {
  return new Date(Date.now() + days * 86400000).toLocaleDateString('en-CA', { timeZone: 'Europe/Paris' });
}

// Registers `families` households at the centre and sells each of them milk
// (2 units, donated by `donor`), through the centre's web API.
async function sellAt(web, donor, families) {
  await api(web, 'TillService', 'ReceiveStock', {
    productId: 'EPI-LAIT-1L', quantity: 24, donorId: donor, lotNumber: 'L2611',
    expiryKind: 'DLC', expiryDay: dayPlus(5),
  });
  for (let i = 0; i < families; i++) {
    const family = await api(web, 'TillService', 'RegisterFamily', {
      familyName: `Famille ${i}`, householdType: i === 0 ? 'SINGLE_PARENT' : 'COUPLE_WITH_CHILDREN',
      incomeSources: [i === 0 ? 'RSA' : 'WAGES'],
      members: [{ firstName: 'Camille', sex: 'FEMALE', birthYear: 1985 }], noticeVersion: NOTICE_VERSION,
    });
    await api(web, 'TillService', 'GrantReferral', {
      familyId: family.familyId, prescriberId: 'ccas-hem', endDay: dayPlus(90), monthlyCeilingCents: 6000,
    });
    await api(web, 'TillService', 'RecordSale', {
      familyId: family.familyId, items: [{ productId: 'EPI-LAIT-1L', quantity: 2 }],
      paymentMethod: 'CASH', requestId: `sale-${donor}-${i}`,
    });
  }
}

// What the page must draw for a query, from the hub's API: the report's rows
// in the order stats.proto gives them (period, months, then per centre its
// period row and its months).
async function expectedFigures(dashboard, from, to, site, weeks = 8) {
  const report = await api(dashboard, 'StatsService', 'GetReport',
    { fromDay: from, toDay: to, site, byMonth: true, bySite: true, stillComingWeeks: weeks });
  const rows = report.rows;
  const period = rows[0];
  const months = site ? rows.slice(1) : rows.slice(1).filter((row) => row.site === '');
  const centres = [];
  if (site) {
    centres.push(months);
  } else {
    for (let i = 1 + months.length; i < rows.length; i += 1 + months.length) {
      centres.push(rows.slice(i + 1, i + 1 + months.length));
    }
  }
  return {
    period,
    households: Number(period.households),
    // Month by month, centre by centre.
    householdBars: months.flatMap((_, m) => centres.map((centre) => Number(centre[m].households))),
    givenBars: months.map((row) => Number(row.givenCents) / 100),
    donationBars: period.donations.map((d) => [d.donorId, Number(d.referenceCents) / 100]),
    departmentBars: period.departments.flatMap((d) =>
      [d.referenceCents, d.paidCents, d.givenCents].map((cents) => Number(cents) / 100)),
  };
}

const values = (page, chart) => page.locator(`#${chart} rect.bar`).evaluateAll((rects) =>
  rects.map((rect) => Number(rect.dataset.value)));

// `from` and `to` as the API's YYYY-MM-DD, typed as a French volunteer does (25/11/2026).
const frenchDay = (day) => day.split('-').reverse().join('/');

async function applyFilters(page, { from, to, site, weeks = 8 }) {
  await page.fill('#from', frenchDay(from));
  await page.fill('#to', frenchDay(to));
  await page.selectOption('#site', site);
  await page.fill('#weeks', String(weeks));
  await page.click('#apply');
  await waitFor('the filtered report', async () =>
    (await page.evaluate(() => document.body.dataset.loaded)) === `${from}|${to}|${site}|${weeks}`);
}

const keyFigure = (page, metric) => page.locator(`#key-figures tr[data-metric="${metric}"] td`).innerText();
const figure = (page, table, metric) => page.locator(`#${table} tr[data-metric="${metric}"] td`).innerText();
const integer = (value) => Number(value || 0).toLocaleString('fr-FR');
// Amounts as everywhere in the network (the till, the CLI, the CSV): "33 800,00 €".
const euros = (cents) => {
  const value = Number(cents || 0);
  const magnitude = Math.abs(value);
  const whole = String(Math.floor(magnitude / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${value < 0 ? '-' : ''}${whole},${String(magnitude % 100).padStart(2, '0')} €`;
};

test('head office reads the network report, filters it and downloads it', async (t) => {
  const network = new Network();
  t.after(() => network.stop());
  await network.startHub();
  const hem = await network.startNode('hem');
  const lille = await network.startNode('lille');
  network.cli('--hub', network.hubAdmin, 'hub', 'define-product', '--id', 'EPI-LAIT-1L',
    '--name', 'Lait demi-écrémé 1 L', '--department', 'epicerie', '--price', '1,09',
    '--unit', 'litre', '--barcode', '3428271940015');
  for (const web of [hem.web, lille.web]) {
    await waitFor('the catalogue to reach the centre', async () =>
      (await api(web, 'TillService', 'GetCatalogue', {})).products.length === 1);
  }
  await sellAt(hem.web, 'leclerc', 2);
  await sellAt(lille.web, 'fondation-carrefour', 1);
  const from = `${dayPlus(0).slice(0, 4)}-01-01`;
  const to = dayPlus(0);
  network.cli('--hub', network.hubAdmin, 'hub', 'running-costs', '--site', 'hem',
    '--year', from.slice(0, 4), '--amount', '36500');
  await waitFor('the sales to reach the hub', async () =>
    (await expectedFigures(network.dashboard, from, to, '')).households === 3, 60000);

  const browser = await openBrowser();
  t.after(() => browser.close());
  const { page } = browser;
  const foreign = [];
  const errors = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(`${network.dashboard}/`)) foreign.push(request.url());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(network.dashboard);
  // Head office logs in first.
  await page.fill('#login-name', 'claire');
  await page.fill('#login-password', PASSWORD);
  await page.click('#login-submit');
  await waitFor('the report', async () =>
    (await page.evaluate(() => document.body.dataset.loaded)) === `${from}|${to}||8`);

  // Every chart's numbers are StatsService's for the same query.
  const network_ = await expectedFigures(network.dashboard, from, to, '');
  assert.deepEqual(await values(page, 'chart-households'), network_.householdBars);
  assert.equal(network_.householdBars.reduce((a, b) => a + b, 0), 3);
  assert.deepEqual(await values(page, 'chart-given'), network_.givenBars);
  assert.deepEqual(await values(page, 'chart-departments'), network_.departmentBars);
  const donations = await page.locator('#chart-donations rect.bar').evaluateAll((rects) =>
    rects.map((rect) => [rect.dataset.group, Number(rect.dataset.value)]));
  assert.deepEqual(donations, network_.donationBars);
  assert.deepEqual(donations.map(([donor]) => donor).sort(), ['fondation-carrefour', 'leclerc']);
  assert.equal(await keyFigure(page, 'households'), '3');
  // The first family of each centre is a single parent on RSA: 2 of 3.
  assert.equal(await keyFigure(page, 'single_parent_share'), '66,7 %');
  // The tables by theme show the report's own figures.
  const p = network_.period;
  const tables = {
    activity: { new_households: integer(p.newHouseholds), persons: integer(p.persons),
      adults: integer(p.adults), children: integer(p.children), registrations: integer(p.registrations),
      renewals: integer(p.renewals), visits: integer(p.visits), baskets: integer(p.baskets),
      voided_sales: integer(p.voidedSales) },
    budget: { running_costs_cents: euros(p.runningCostsCents), paid_cents: euros(p.paidCents),
      balance_cents: euros(p.balanceCents) },
    workshops: { workshop_sessions: integer(p.workshopSessions), workshop_places: integer(p.workshopPlaces),
      workshop_attendance: integer(p.workshopAttendance) },
    stock: { expired_units: integer(p.expiredUnits), transferred_out_units: integer(p.transferredOutUnits),
      transferred_in_units: integer(p.transferredInUnits) },
  };
  for (const [table, metrics] of Object.entries(tables)) {
    for (const [metric, shown] of Object.entries(metrics)) {
      assert.equal((await figure(page, table, metric)).replace(/\u202f/g, ' '), shown.replace(/\u202f/g, ' '),
        `${table}/${metric}`);
    }
  }
  assert.equal(await figure(page, 'activity', 'baskets'), '3');
  assert.ok(Number(p.runningCostsCents) > 0, 'hem\'s running costs count pro rata');
  assert.equal(await page.locator('#budget-note').isVisible(), false);
  // Fidelity: this year's first visits, month by month, as the report counts them.
  const cohortRows = await page.locator('#cohorts tbody tr').evaluateAll((rows) =>
    rows.map((row) => [row.dataset.month, row.children[1].textContent]));
  assert.deepEqual(cohortRows, (p.cohorts || []).map((c) => [c.month, String(Number(c.households))]));
  assert.equal(cohortRows.reduce((sum, [, households]) => sum + Number(households), 0), 3,
    'the three families are new this year');

  // Each bar also shows its number as text, and names it in its title.
  const title = await page.locator('#chart-households rect.bar[data-series="hem"]').last()
    .locator('title').textContent();
  assert.match(title, /hem : 2$/);

  await screenshot(page, 'tableau-de-bord');
  await screenshot(page, 'tableau-de-bord-complet', { fullPage: true });

  // The sync health lists each centre, connected.
  for (const site of ['hem', 'lille']) {
    const row = page.locator(`#sync-health tr[data-site="${site}"]`);
    assert.match(await row.innerText(), new RegExp(`^${site}\\tconnecté\\t`));
  }

  // Labels, and the focus order of the filters (keyboard users).
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select')]
    .filter((e) => e.labels.length === 0).map((e) => e.id));
  assert.deepEqual(unlabelled, []);
  const focusable = await page.evaluate(() =>
    [...document.querySelectorAll('input, select, button, a[href]')]
      .filter((e) => e.offsetParent !== null).map((e) => e.id));
  assert.deepEqual(focusable, ['log-out', 'from', 'to', 'site', 'weeks', 'apply', 'csv-link']);
  assert.equal(await page.evaluate(() =>
    document.querySelectorAll('[tabindex]:not([tabindex="0"]):not([tabindex="-1"])').length), 0);
  await page.focus('#site');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'weeks');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'apply');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'csv-link');
  const small = await page.evaluate(() => [...document.querySelectorAll('input, select, button, a')]
    .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().height < 44).map((e) => e.id));
  assert.deepEqual(small, [], 'touch targets at least 44 px high');

  // The centre filter: hem's own figures.
  await applyFilters(page, { from, to, site: 'hem' });
  const hemFigures = await expectedFigures(network.dashboard, from, to, 'hem');
  assert.equal(await keyFigure(page, 'households'), '2');
  assert.deepEqual(await values(page, 'chart-households'), hemFigures.householdBars);
  assert.deepEqual(await values(page, 'chart-given'), hemFigures.givenBars);
  assert.deepEqual(await values(page, 'chart-donations'), hemFigures.donationBars.map(([, v]) => v));

  // The CSV link downloads the same query as CSV.
  assert.equal(await page.locator('#csv-link').getAttribute('href'),
    `/stats.csv?from=${from}&to=${to}&site=hem`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv-link')]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  assert.match(download.suggestedFilename(), /^statistiques-hem-.*\.csv$/);
  const lines = csv.trim().split('\n');
  assert.equal(lines[0], 'from_day,to_day,site,metric,label,value');
  assert.ok(lines.includes(`${from},${to},hem,households,,2`), csv);

  // The still-coming window: 1 week instead of 8, in the figure and the CSV.
  await applyFilters(page, { from, to, site: 'hem', weeks: 1 });
  const oneWeek = await expectedFigures(network.dashboard, from, to, 'hem', 1);
  assert.match(await keyFigure(page, 'still_coming'), new RegExp(`^${Number(oneWeek.period.stillComing)} `));
  assert.match(await page.locator('#key-figures tr[data-metric="still_coming"] th').innerText(),
    /venues la dernière semaine/);
  assert.equal(await page.locator('#csv-link').getAttribute('href'),
    `/stats.csv?from=${from}&to=${to}&site=hem&weeks=1`);
  // A window that is not a number of weeks is explained next to it, and changes nothing.
  await page.fill('#weeks', '0');
  await page.click('#apply');
  await waitFor('the error', async () => page.locator('#weeks-error').isVisible());
  assert.match(await page.locator('#weeks-error').innerText(), /Un nombre entier de 1 à 520/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'weeks');
  assert.equal(await page.evaluate(() => document.body.dataset.loaded), `${from}|${to}|hem|1`);

  // The period filter: a year without activity shows zeros.
  await applyFilters(page, { from: '2020-01-01', to: '2020-12-31', site: '' });
  assert.equal(await keyFigure(page, 'households'), '0');
  assert.equal(await page.locator('#budget-note').isVisible(), true, 'no running costs entered for 2020');
  assert.equal(await page.locator('#cohorts-empty').isVisible(), true);
  const empty = await values(page, 'chart-households');
  assert.equal(empty.length, 12 * 2);
  assert.ok(empty.every((value) => value === 0));

  // A reversed period is explained, in French.
  await page.fill('#from', '01/02/2026');
  await page.fill('#to', '01/01/2026');
  await page.click('#apply');
  await waitFor('the error', async () => page.locator('#error').isVisible());
  assert.match(await page.locator('#error').innerText(), /Le rapport n’a pas pu être calculé/);

  assert.deepEqual(foreign, [], 'the page calls nothing but its own hub');
  assert.deepEqual(errors, []);
});
