// Editing a registered household (UpdateFamily: only the fields the volunteer
// changed are sent, so an edit made meanwhile at another centre to another
// field is kept), and its referrals: renew (a new last day, maybe a new
// ceiling) or end early (RenewReferral, EndReferral).
import { $, attempt, catalogue, ceilingCents, el, euros, frenchDay, showInfo, till } from './common.js';
import { addMemberRow, membersOf } from './backoffice.js';
import { dayOf } from './forms.js';
import { NOTICE_VERSION } from './notice_version.js';
import { showFamilyExport } from './family_export.js';

const edit = {
  family: null,    // FamilyView as last read from the till
  referral: '',    // referral id the renew or end form is about
};

// The edit form's lists are the register form's: one list of household types,
// income sources and bands in the page.
export function prepareFamilyEdit() {
  $('edit-household').replaceChildren(...[...$('reg-household').options].map((o) => o.cloneNode(true)));
  $('edit-band').replaceChildren(...[...$('reg-band').options].map((o) => o.cloneNode(true)));
  $('edit-income').replaceChildren(...[...$('reg-income').children].map((c) => c.cloneNode(true)));
}

const sameList = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

function fillForm(family) {
  $('edit-title').textContent = `Foyer ${family.familyName} — ${family.familyId}`;
  $('edit-name').value = family.familyName;
  const box = $('edit-members');
  box.querySelectorAll('.member-row').forEach((row) => row.remove());
  for (const member of family.members) {
    const row = addMemberRow(box, 'edit-');
    row.querySelector('[name=member-name]').value = member.firstName;
    row.querySelector('[name=member-sex]').value = member.sex;
    row.querySelector('[name=member-year]').value = String(member.birthYear);
  }
  $('edit-household').value = family.householdType;
  const incomes = family.incomeSources || [];
  for (const box of $('edit-income').querySelectorAll('input')) box.checked = incomes.includes(box.value);
  const band = family.resteAVivreBand || '';
  if (![...$('edit-band').options].some((o) => o.value === band)) {
    $('edit-band').append(el('option', { value: band, textContent: band }));
  }
  $('edit-band').value = band;
  $('edit-postcode').value = family.postcode || '';
  $('edit-notice').textContent = family.noticeVersion
    ? `Notice d'information remise : version ${family.noticeVersion}, le ${frenchDay(family.noticeDay)}.`
    : 'Notice d\'information : sa remise n\'a pas été enregistrée.';
  $('edit-notice-version').textContent = NOTICE_VERSION;
  $('edit-notice-given').checked = false;
  $('edit-form').hidden = false;
}

const prescriberNamed = (id) => (catalogue.prescribers.find((p) => p.prescriberId === id) || {}).name || id;

function renderReferrals(family) {
  $('referrals-panel').hidden = false;
  closeReferralForms();
  const referrals = family.referrals || [];
  if (referrals.length === 0) {
    $('referral-lines').replaceChildren(el('tr', {}, el('td', { colSpan: 5,
      textContent: 'Aucune orientation : enregistrez-en une ci-dessus.' })));
    return;
  }
  const button = (text, onclick) => el('button', { type: 'button', textContent: text, onclick });
  $('referral-lines').replaceChildren(...referrals.map((r) => el('tr', {},
    el('td', { textContent: r.referralId }),
    el('td', { textContent: prescriberNamed(r.prescriberId) }),
    el('td', { textContent: `du ${frenchDay(r.startDay)} au ${frenchDay(r.endDay)}` +
      (r.ended ? ' (terminée)' : '') }),
    el('td', { textContent: Number(r.monthlyCeilingCents) ? `${euros(r.monthlyCeilingCents)} par mois` : 'aucun' }),
    el('td', {},
      button(r.ended ? 'Rouvrir et prolonger…' : 'Prolonger…', () => askReferral(r, 'renew', 'renew-end')),
      ...(r.ended ? [] : [button('Terminer…', () => askReferral(r, 'end', 'end-day'))])))));
}

function show(family) {
  edit.family = family;
  fillForm(family);
  renderReferrals(family);
  showFamilyExport(family, show);
}

export async function openFamily(event) {
  if (event) event.preventDefault();
  const familyId = $('edit-card').value.trim().toUpperCase();
  const family = await attempt(() => till('GetFamily', { familyId }));
  if (!family) return;
  show(family);
  $('edit-title').focus();
}

// Names of what changed, in the order of the form, and the request that changes it.
function changes() {
  const before = edit.family;
  const request = { familyId: before.familyId };
  const changed = [];
  const name = $('edit-name').value.trim();
  if (name !== before.familyName) { request.familyName = name; changed.push('nom'); }
  const members = membersOf($('edit-members'));
  const sameMembers = members.length === before.members.length && members.every((m, i) =>
    m.firstName === before.members[i].firstName && m.sex === before.members[i].sex &&
    m.birthYear === Number(before.members[i].birthYear));
  if (!sameMembers) { request.replaceMembers = true; request.members = members; changed.push('personnes du foyer'); }
  if ($('edit-household').value !== before.householdType) {
    request.householdType = $('edit-household').value; changed.push('type de foyer');
  }
  const incomes = [...$('edit-income').querySelectorAll('input:checked')].map((c) => c.value);
  if (!sameList([...incomes].sort(), [...(before.incomeSources || [])].sort())) {
    request.replaceIncomeSources = true; request.incomeSources = incomes; changed.push('ressources');
  }
  if ($('edit-band').value !== (before.resteAVivreBand || '')) {
    request.resteAVivreBand = $('edit-band').value; changed.push('reste à vivre');
  }
  const postcode = $('edit-postcode').value.trim();
  if (postcode !== (before.postcode || '')) { request.postcode = postcode; changed.push('code postal'); }
  if ($('edit-notice-given').checked) { request.noticeVersion = NOTICE_VERSION; changed.push('notice d\'information remise'); }
  return { request, changed };
}

export async function saveFamily(event) {
  event.preventDefault();
  // Nothing changed: the till says so ("Rien à modifier."), as for any refusal.
  const { request, changed } = changes();
  const family = await attempt(() => till('UpdateFamily', request));
  if (!family) return;
  show(family);
  nextFamily();
  showInfo(`Foyer ${family.familyId} modifié : ${changed.join(', ')}.`);
}

// After a household's change is saved, the next action starts at its card
// number field: another household to open (the one open stays shown).
function nextFamily() {
  $('edit-card').focus();
  $('edit-card').select();
}

export function addEditMember() {
  addMemberRow($('edit-members'), 'edit-').querySelector('input').focus();
}

export function removeLastEditMember() {
  const rows = $('edit-members').querySelectorAll('.member-row');
  if (rows.length > 0) rows[rows.length - 1].remove();
}

// Opens the renewal ('renew') or end ('end') form for `referral`, the other closed.
function askReferral(referral, kind, firstField) {
  edit.referral = referral.referralId;
  closeReferralForms();
  $(`${kind}-form`).reset();
  $(`${kind}-id`).textContent = referral.referralId;
  $(`${kind}-form`).hidden = false;
  $(firstField).focus();
}

export function closeReferralForms() {
  $('renew-form').hidden = true;
  $('end-form').hidden = true;
}

async function refreshFamily() {
  const family = await attempt(() => till('GetFamily', { familyId: edit.family.familyId }));
  if (family) show(family);
}

export async function renewReferral(event) {
  event.preventDefault();
  const ceilingText = $('renew-ceiling').value.trim();
  const request = { referralId: edit.referral, endDay: dayOf($('renew-end')) };
  if (ceilingText) {
    const ceiling = ceilingCents(ceilingText);
    if (ceiling === null) return;
    request.monthlyCeilingCents = ceiling;
  }
  const referral = await attempt(() => till('RenewReferral', request));
  if (!referral) return;
  await refreshFamily();
  nextFamily();
  showInfo(`Orientation ${referral.referralId} prolongée jusqu'au ${frenchDay(referral.endDay)}` +
    (Number(referral.monthlyCeilingCents) ? `, plafond ${euros(referral.monthlyCeilingCents)} par mois.` : ', sans plafond.'));
}

export async function endReferral(event) {
  event.preventDefault();
  const referral = await attempt(() => till('EndReferral', {
    referralId: edit.referral, endDay: dayOf($('end-day')), reason: $('end-reason').value.trim() }));
  if (!referral) return;
  await refreshFamily();
  nextFamily();
  showInfo(`Orientation ${referral.referralId} terminée : dernier jour couvert le ${frenchDay(referral.endDay)}.`);
}
