// The donors' report (ListDonors): per donor, the units given and their value
// at shop prices, in total and per centre this till holds stock records of.
import { $, attempt, el, euros, till } from './common.js';

export async function loadDonors() {
  const report = await attempt(() => till('ListDonors', {}));
  if (!report) return;
  const donors = [...report.donors].sort((a, b) =>
    Number(b.referenceValueCents) - Number(a.referenceValueCents));
  $('donor-lines').replaceChildren(...donors.map((gifts) => el('tr', {},
    el('td', { textContent: gifts.donor.name || gifts.donor.donorId }),
    el('td', { className: 'money', textContent: String(gifts.units) }),
    el('td', { className: 'money', textContent: euros(gifts.referenceValueCents) }),
    el('td', { textContent: gifts.bySite.length === 0 ? 'aucun don enregistré'
      : gifts.bySite.map((s) => `${s.site} : ${s.units} unité(s), ${euros(s.referenceValueCents)}`).join(' ; ') }))));
  if (donors.length === 0) {
    $('donor-lines').replaceChildren(el('tr', {}, el('td', { colSpan: 4, textContent: 'Aucun donateur.' })));
  }
  $('donor-units').textContent = String(donors.reduce((sum, g) => sum + Number(g.units), 0));
  $('donor-value').textContent = euros(donors.reduce((sum, g) => sum + Number(g.referenceValueCents), 0));
}
