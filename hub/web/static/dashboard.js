// Head office's dashboard: the network report of StatsService.GetReport and
// HubService.GetSyncHealth, fetched as JSON from the hub (the gRPC messages
// in the protobuf JSON mapping: int64 fields arrive as strings), drawn with
// charts.js. Every number shown is one of the API's, never recomputed from
// others, except the shares (part / households, one decimal, rounded half up
// like the CSV's). Its dates and checks are the web till's (forms.js).
import { dayOf, frenchDayText, installFrenchForms, setDay } from './forms.js';
import { euros } from './format.js';

const $ = (selector) => document.querySelector(selector);

// The session: its cookie (HttpOnly) proves who reads; every call also
// carries its CSRF token, which another site's page cannot know.
let csrfToken = '';

async function call(service, method, request) {
  const response = await fetch(`/api/${service}/${method}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Comptoir-Csrf': csrfToken },
    body: JSON.stringify(request || {}),
  });
  const body = await response.json();
  if (response.status === 401 && method !== 'LogIn' && method !== 'GetSession') showLogin(body.message);
  if (!response.ok) {
    const error = new Error(body.message || `${method} : erreur ${response.status}`);
    error.code = body.code;
    throw error;
  }
  return body;
}

// The login page, saying why if `message`; nothing of the report shows.
function showLogin(message) {
  csrfToken = '';
  $('#app').hidden = true;
  $('#who').hidden = true;
  $('#login-screen').hidden = false;
  $('#login-error').textContent = message || '';
  $('#login-error').hidden = !message;
  $('#login-password').value = '';
  $('#login-name').focus();
}

function enter(session) {
  csrfToken = session.csrfToken;
  $('#who-text').textContent = `${session.account.login} (${session.account.roleName})`;
  $('#who').hidden = false;
  $('#login-screen').hidden = true;
  $('#app').hidden = false;
  refresh();
}

const number = (value) => Number(value || 0);
const integer = (value) => number(value).toLocaleString('fr-FR');
// "66,7 %" for 2 of 3: one decimal, rounded half up, 0 when there is no total.
function share(part, total) {
  const p = number(part);
  const t = number(total);
  const tenths = t === 0 ? 0 : Math.floor((2000 * p + t) / (2 * t));
  return `${(tenths / 10).toLocaleString('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;
}
const countOf = (labelCounts, label) =>
  number((labelCounts || []).find((entry) => entry.label === label)?.count);
const monthLabel = (day) => new Date(`${day.slice(0, 7)}-01T12:00:00`)
  .toLocaleDateString('fr-FR', { month: 'short', year: '2-digit' });
const dateTime = (ms) => (number(ms) === 0 ? 'jamais'
  : new Date(number(ms)).toLocaleString('fr-FR', { dateStyle: 'short', timeStyle: 'short' }));
// Today in Europe/Paris, YYYY-MM-DD (the statistics' days).
const today = () => new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/Paris' });

// The report's rows: the period's, then one per month, then (for the whole
// network) per centre its period row followed by its month rows.
function splitRows(report, site) {
  const rows = report.rows || [];
  const period = rows[0];
  if (site) return { period, months: rows.slice(1), sites: [] };
  const months = [];
  let i = 1;
  while (i < rows.length && rows[i].site === '') months.push(rows[i++]);
  const sites = [];
  while (i < rows.length) {
    sites.push({ site: rows[i].site, period: rows[i], months: rows.slice(i + 1, i + 1 + months.length) });
    i += 1 + months.length;
  }
  return { period, months, sites };
}

// Fills a two-column table of [metric, label, value] rows.
function showFigures(tbody, figures) {
  tbody.replaceChildren(...figures.map(([key, label, value]) => {
    const tr = document.createElement('tr');
    tr.dataset.metric = key;
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = label;
    const td = document.createElement('td');
    td.textContent = value;
    tr.append(th, td);
    return tr;
  }));
}

function showKeyFigures(row, weeks) {
  const households = row.households;
  const figures = [
    ['households', 'Familles accueillies', integer(households)],
    ['still_coming', `Continuent à venir (venues ${number(weeks) === 1 ? 'la dernière semaine'
      : `dans les ${integer(weeks)} dernières semaines`})`,
      `${integer(row.stillComing)} (${share(row.stillComing, households)})`],
    ['single_parent_share', 'Familles monoparentales', share(countOf(row.householdTypes, 'SINGLE_PARENT'), households)],
    ['social_benefits_share', 'Vivent d’aides sociales ou sans revenu',
      share(countOf(row.incomeGroups, 'social_benefits_or_no_income'), households)],
    ['pension_wages_share', 'Vivent d’une pension, d’une invalidité ou de faibles salaires',
      share(countOf(row.incomeGroups, 'pension_invalidity_or_wages'), households)],
    ['hair_persons', 'Personnes servies au salon de coiffure', integer(row.hairPersons)],
    ['given_cents', 'Valeur donnée aux familles', euros(row.givenCents)],
  ];
  showFigures($('#key-figures tbody'), figures);
}

// The other figures of the period's row, by theme.
function showDetails(row) {
  showFigures($('#activity tbody'), [
    ['new_households', 'Nouvelles familles', integer(row.newHouseholds)],
    ['persons', 'Personnes dans les familles accueillies', integer(row.persons)],
    ['adults', 'dont adultes', integer(row.adults)],
    ['children', 'dont enfants', integer(row.children)],
    ['registrations', 'Inscriptions', integer(row.registrations)],
    ['renewals', 'Renouvellements d’orientation', integer(row.renewals)],
    ['visits', 'Passages', integer(row.visits)],
    ['baskets', 'Paniers', integer(row.baskets)],
    ['voided_sales', 'Ventes annulées', integer(row.voidedSales)],
  ]);
  showFigures($('#budget tbody'), [
    ['running_costs_cents', 'Frais de fonctionnement (au prorata de la période)', euros(row.runningCostsCents)],
    ['paid_cents', 'Payé par les familles', euros(row.paidCents)],
    ['balance_cents', 'Solde', euros(row.balanceCents)],
  ]);
  $('#budget-note').hidden = number(row.runningCostsCents) !== 0;
  showFigures($('#workshops tbody'), [
    ['workshop_sessions', 'Séances', integer(row.workshopSessions)],
    ['workshop_places', 'Places proposées', integer(row.workshopPlaces)],
    ['workshop_attendance', 'Présences', integer(row.workshopAttendance)],
    ['workshop_fill', 'Taux de présence', share(row.workshopAttendance, row.workshopPlaces)],
  ]);
  showFigures($('#stock tbody'), [
    ['expired_units', 'Unités périmées', integer(row.expiredUnits)],
    ['expired_cents', 'Valeur périmée', euros(row.expiredCents)],
    ['transferred_out_units', 'Unités envoyées à d’autres centres', integer(row.transferredOutUnits)],
    ['transferred_in_units', 'Unités reçues d’autres centres', integer(row.transferredInUnits)],
    ['transfer_damaged_units', 'dont arrivées abîmées', integer(row.transferDamagedUnits)],
  ]);
}

// Fidelity: one row per month of first visits, then for each later month the
// households of that cohort who came back, with their share.
function showCohorts(row) {
  const cohorts = row.cohorts || [];
  const later = Math.max(0, ...cohorts.map((cohort) => (cohort.returned || []).length));
  const cell = (tag, text, className) => {
    const element = document.createElement(tag);
    element.textContent = text;
    if (className) element.className = className;
    return element;
  };
  const head = document.createElement('tr');
  head.append(cell('th', 'Premier passage'), cell('th', 'Familles', 'number'));
  for (let k = 1; k <= later; k++) head.append(cell('th', `M+${k}`, 'number'));
  for (const th of head.children) th.scope = 'col';
  $('#cohorts thead').replaceChildren(head);
  $('#cohorts tbody').replaceChildren(...cohorts.map((cohort) => {
    const tr = document.createElement('tr');
    tr.dataset.month = cohort.month;
    const th = cell('th', monthLabel(`${cohort.month}-01`));
    th.scope = 'row';
    tr.append(th, cell('td', integer(cohort.households), 'number'));
    for (let k = 0; k < later; k++) {
      const returned = (cohort.returned || [])[k];
      const td = cell('td', returned === undefined ? '–'
        : `${integer(returned)} (${share(returned, cohort.households)})`, 'number');
      if (returned !== undefined) td.dataset.value = String(number(returned));
      tr.append(td);
    }
    return tr;
  }));
  $('#cohorts-empty').hidden = cohorts.length !== 0;
}

function showCharts(split, site) {
  const months = split.months.map((row) => monthLabel(row.fromDay));
  const byCentre = site ? [{ site, months: split.months }] : split.sites;
  Charts.groupedBars($('#chart-households'), {
    caption: 'Familles accueillies par mois et par centre',
    series: byCentre.map((centre) => centre.site),
    groups: months.map((label, m) => ({ label, values: byCentre.map((c) => number(c.months[m]?.households)) })),
    format: integer,
  });
  Charts.groupedBars($('#chart-given'), {
    caption: 'Valeur donnée aux familles par mois, en euros',
    series: ['Valeur donnée'],
    groups: split.months.map((row, m) => ({ label: months[m], values: [number(row.givenCents) / 100] })),
    format: (value) => euros(value * 100),
  });
  Charts.groupedBars($('#chart-donations'), {
    caption: 'Dons reçus par donateur, valeur de référence en euros',
    series: ['Valeur de référence'],
    groups: (split.period.donations || []).map((d) => ({ label: d.donorId, values: [number(d.referenceCents) / 100] })),
    format: (value) => euros(value * 100),
  });
  Charts.groupedBars($('#chart-departments'), {
    caption: 'Rayons : valeur de référence, payé par les familles et donné, en euros',
    series: ['Référence', 'Payé', 'Donné'],
    groups: (split.period.departments || []).map((d) => ({ label: d.department,
      values: [d.referenceCents, d.paidCents, d.givenCents].map((c) => number(c) / 100) })),
    format: (value) => euros(value * 100),
  });
}

function showSyncHealth(health) {
  const body = $('#sync-health tbody');
  body.replaceChildren(...(health.sites || []).map((site) => {
    const tr = document.createElement('tr');
    tr.dataset.site = site.site;
    const cells = [
      [site.site],
      [site.connected ? 'connecté' : 'hors ligne', site.connected ? 'online' : 'offline'],
      [dateTime(site.lastContactUnixMs)],
      [dateTime(site.latestEventUnixMs)],
      [integer(site.pendingPush), 'number'],
    ];
    tr.append(...cells.map(([text, className]) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (className) td.className = className;
      return td;
    }));
    return tr;
  }));
  // The centre filter offers every centre the hub knows.
  const select = $('#site');
  const known = new Set([...select.options].map((option) => option.value));
  for (const site of health.sites || []) {
    if (!known.has(site.site)) select.append(new Option(site.site, site.site));
  }
}

function filters() {
  return { from: dayOf($('#from')), to: dayOf($('#to')), site: $('#site').value, weeks: $('#weeks').value.trim() };
}

async function refresh() {
  const { from, to, site, weeks } = filters();
  const error = $('#error');
  const query = new URLSearchParams({ from, to });
  if (site) query.set('site', site);
  if (weeks !== '8') query.set('weeks', weeks);
  $('#csv-link').href = `/stats.csv?${query}`;
  try {
    const [report, health] = await Promise.all([
      call('StatsService', 'GetReport', {
        fromDay: from, toDay: to, site, byMonth: true, bySite: true, stillComingWeeks: number(weeks),
      }),
      call('HubService', 'GetSyncHealth', {}),
    ]);
    showSyncHealth(health);
    const split = splitRows(report, site);
    $('#scope').textContent = `— ${site || 'tout le réseau'}, du ${frenchDayText(from)} au ${frenchDayText(to)}`;
    showKeyFigures(split.period, weeks);
    showDetails(split.period);
    showCohorts(split.period);
    showCharts(split, site);
    $('#generated').textContent = `Calculé le ${dateTime(report.generatedUnixMs)}`;
    error.hidden = true;
    document.body.dataset.loaded = `${from}|${to}|${site}|${weeks}`;
  } catch (failure) {
    error.textContent = `Le rapport n’a pas pu être calculé : ${failure.message}`;
    error.hidden = false;
  }
}

window.addEventListener('DOMContentLoaded', async () => {
  installFrenchForms(document);  // the filters' days and weeks, the login
  setDay($('#from'), `${today().slice(0, 4)}-01-01`);
  setDay($('#to'), today());
  $('#filters').addEventListener('submit', (event) => {
    event.preventDefault();
    refresh();
  });
  $('#login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('#login-submit').disabled = true;
    try {
      enter(await call('AccountService', 'LogIn',
        { login: $('#login-name').value.trim(), password: $('#login-password').value }));
    } catch (error) {
      showLogin(error.message);
    } finally {
      $('#login-submit').disabled = false;
    }
  });
  $('#log-out').addEventListener('click', async () => {
    await call('AccountService', 'LogOut', {}).catch(() => {});
    window.location.reload();
  });
  try {
    enter(await call('AccountService', 'GetSession', {}));
  } catch (error) {
    showLogin(error.code === 'UNAUTHENTICATED' ? '' : error.message);
  }
});
