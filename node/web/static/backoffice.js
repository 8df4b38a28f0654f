// The back-office screens: families and referrals, stock (receiving a
// donation: donation.js), workshops (transfers are in transfers.js).
import { $, attempt, ceilingCents, centreNamed, donorNamed, el, euros, expiryText, frenchDay, productNamed,
  replaceOptions, showInfo, till } from './common.js';
import { dayOf } from './forms.js';
import { site } from './connection.js';
import { correct } from './stock_adjust.js';
import { NOTICE_VERSION } from './notice_version.js';

// ---------- families ----------

// Adds a person's row to the members fieldset `box` (the register form's by
// default); its fields' ids start with `idPrefix` ("member-name-2"...).
export function addMemberRow(box = $('reg-members'), idPrefix = '') {
  const n = box.querySelectorAll('.member-row').length + 1;
  const row = el('div', { className: 'member-row' });
  const field = (label, input) => { input.id = `${idPrefix}${input.name}-${n}`; return el('div', {}, el('label', { htmlFor: input.id, textContent: label }), input); };
  const sex = el('select', { name: 'member-sex' });
  sex.append(el('option', { value: 'FEMALE', textContent: 'Femme' }), el('option', { value: 'MALE', textContent: 'Homme' }),
    el('option', { value: 'SEX_UNSPECIFIED', textContent: 'Non précisé' }));
  row.append(
    field(`Prénom (personne ${n})`, el('input', { name: 'member-name', required: true })),
    field('Sexe', sex),
    field('Année de naissance', yearInput()));
  box.append(row);
  return row;
}

function yearInput() {
  const input = el('input', { name: 'member-year', inputMode: 'numeric', className: 'narrow', required: true });
  input.dataset.type = 'year';
  return input;
}

// The persons typed in the members fieldset `box`, as MemberInput messages.
export function membersOf(box) {
  return [...box.querySelectorAll('.member-row')].map((row) => ({
    firstName: row.querySelector('[name=member-name]').value.trim(),
    sex: row.querySelector('[name=member-sex]').value,
    birthYear: Number(row.querySelector('[name=member-year]').value),
  }));
}

// The registration form's information notice: today's version next to its
// checkbox, and the button that opens the notice to print it.
export function prepareNotice() {
  $('reg-notice-version').textContent = NOTICE_VERSION;
  $('reg-print-notice').onclick = () => window.open('/notice.html?imprimer', '_blank', 'noopener');
}

export async function registerFamily(event) {
  event.preventDefault();
  const members = membersOf($('reg-members'));
  const family = await attempt(() => till('RegisterFamily', {
    familyName: $('reg-name').value.trim(), members,
    householdType: $('reg-household').value,
    incomeSources: [...$('reg-income').querySelectorAll('input:checked')].map((c) => c.value),
    resteAVivreBand: $('reg-band').value, postcode: $('reg-postcode').value.trim(),
    noticeVersion: $('reg-notice').checked ? NOTICE_VERSION : '',  // the form requires the tick
  }));
  if (!family) return;
  showInfo(`Foyer ${family.familyName} inscrit : carte ${family.familyId}. Enregistrez maintenant son orientation.`);
  $('register-form').reset();
  $('reg-members').querySelectorAll('.member-row').forEach((row, i) => { if (i > 0) row.remove(); });
  // Beside the form, where the focus goes next, large: the volunteer writes it on the family's card.
  $('reg-card').textContent = `Carte n° ${family.familyId} (${family.familyName}) : à écrire sur la carte du foyer.`;
  $('reg-card').hidden = false;
  $('ref-family').value = family.familyId;
  $('ref-end').focus();
  $('referral-form').scrollIntoView({ block: 'nearest' });  // with the card: Inscrire is lower down
}

export async function grantReferral(event) {
  event.preventDefault();
  const ceilingText = $('ref-ceiling').value.trim();
  const ceiling = ceilingCents(ceilingText);
  if (ceiling === null) return;
  const referral = await attempt(() => till('GrantReferral', {
    familyId: $('ref-family').value.trim().toUpperCase(), prescriberId: $('ref-prescriber').value,
    startDay: dayOf($('ref-start')), endDay: dayOf($('ref-end')), monthlyCeilingCents: ceiling,
    project: $('ref-project').value.trim(),
  }));
  if (!referral) return;
  showInfo(`Orientation ${referral.referralId} : famille ${referral.familyId}, du ${frenchDay(referral.startDay)} au ${frenchDay(referral.endDay)}` +
    (Number(referral.monthlyCeilingCents) ? `, plafond ${euros(referral.monthlyCeilingCents)} par mois.` : ', sans plafond.'));
  $('referral-form').reset();
  $('reg-card').hidden = true;
  // The next household to register.
  $('reg-name').focus();
}

// ---------- stock ----------

export async function loadStock(event) {
  if (event) event.preventDefault();
  const within = Number($('stock-within').value) || 0;
  const report = await attempt(() => till('GetStock', { expiringWithinDays: within }));
  if (!report) return;
  const soon = new Date(Date.now() + 7 * 86400000).toISOString().slice(0, 10);
  const fix = (text, label, productId, lotId) => {
    const button = el('button', { type: 'button', textContent: text, onclick: () => correct(productId, lotId) });
    button.setAttribute('aria-label', label);
    return button;
  };
  $('stock-lines').replaceChildren(...report.products.map((level) => el('tr', {},
    el('td', { textContent: `${level.product.name} (${level.product.productId})` }),
    el('td', { textContent: String(level.quantity) }),
    el('td', {}, ...level.lots.map((lot) => el('div', {
      className: `row ${lot.expiryDay && lot.expiryDay <= soon ? 'soon' : ''}`,
    }, el('span', { textContent: `${lot.lotId} : ${lot.remaining}` +
        (lot.expiryDay ? `, ${expiryText(lot.expiryKind, lot.expiryDay)}` : '') +
        (lot.expiryDay && lot.expiryDay <= soon ? ' (date proche)' : '') +
        (lot.donorId ? `, don ${donorNamed(lot.donorId)}` : '') })))),
    // One "Corriger" a row: its only lot chosen, or the lot to choose in the form.
    el('td', {}, fix('Corriger', `Corriger le stock de ${level.product.name}`, level.product.productId,
      level.lots.length === 1 ? level.lots[0].lotId : '')))));
  if (report.products.length === 0) {
    $('stock-lines').replaceChildren(el('tr', {}, el('td', { colSpan: 4, textContent: 'Aucun article.' })));
  }
}

// ---------- workshops ----------

// A seat's line in the list, known by its workshop, family and person.
function seatRow(w, seat, ...children) {
  const row = el('div', { className: 'row' }, ...children);
  row.dataset.seat = `${w.workshopId} ${seat.familyId} ${seat.memberId}`;
  return row;
}

export async function loadWorkshops() {
  const list = await attempt(() => till('ListWorkshops', {}));
  if (!list) return;
  // Seats are recorded, and travel, only at the organising centre: another
  // centre's workshop shows its date and places, not who registered.
  const mine = (w) => !site || w.site === site;
  replaceOptions($('seat-workshop'), ...list.workshops.filter(mine).map((w) =>
    el('option', { value: w.workshopId, textContent: `${w.theme} — ${frenchDay(w.day)} (${w.workshopId})` })));
  const attendance = (w, seat, attended) => attempt(async () => {
    await till('RecordAttendance', { workshopId: w.workshopId, familyId: seat.familyId, memberId: seat.memberId, attended });
    await loadWorkshops();
    // The list is drawn anew: the focus goes back to the same person's button.
    const again = $('workshop-lines').querySelector(`[data-seat="${w.workshopId} ${seat.familyId} ${seat.memberId}"] ` +
      `button:nth-of-type(${attended ? 1 : 2})`);
    if (again) again.focus();
    showInfo(`${attended ? 'Présence' : 'Absence'} notée : ${seat.familyId} personne ${seat.memberId}.`);
  });
  $('workshop-lines').replaceChildren(...list.workshops.map((w) => el('tr', {},
    el('td', { textContent: `${w.theme} (${w.workshopId})` }),
    el('td', { textContent: frenchDay(w.day) }),
    el('td', { textContent: mine(w) ? `${w.seats.length} / ${w.places}` : `${w.places} places (${centreNamed(w.site)})` }),
    el('td', {}, ...(mine(w) ? w.seats : []).map((seat) => seatRow(w, seat,
      el('span', { textContent: `${seat.familyId} personne ${seat.memberId} : ` +
        (seat.attended === undefined ? 'inscrite' : seat.attended ? 'présente' : 'absente') }),
      el('button', { type: 'button', textContent: 'Présent', onclick: () => attendance(w, seat, true) }),
      el('button', { type: 'button', textContent: 'Absent', onclick: () => attendance(w, seat, false) })))))));
}

export async function scheduleWorkshop(event) {
  event.preventDefault();
  const w = await attempt(() => till('ScheduleWorkshop', {
    theme: $('ws-theme').value.trim(), day: dayOf($('ws-day')), places: Number($('ws-places').value) }));
  if (!w) return;
  $('schedule-form').reset();
  await loadWorkshops();
  // Next: the people who register for it.
  $('seat-workshop').value = w.workshopId;
  $('seat-family').focus();
  showInfo(`Atelier ${w.workshopId} programmé le ${frenchDay(w.day)} (${w.places} places) : inscrivez-y les personnes.`);
}

export async function registerSeat(event) {
  event.preventDefault();
  const w = await attempt(() => till('RegisterForWorkshop', {
    workshopId: $('seat-workshop').value, familyId: $('seat-family').value.trim().toUpperCase(),
    memberId: Number($('seat-member').value) }));
  if (!w) return;
  const who = `${$('seat-family').value.trim().toUpperCase()} personne ${$('seat-member').value}`;
  await loadWorkshops();
  // Next: another person for the same workshop.
  $('seat-family').value = '';
  $('seat-member').value = '1';
  $('seat-family').focus();
  showInfo(`Inscription notée à l'atelier ${w.workshopId} : ${who}.`);
}
