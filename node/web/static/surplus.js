// Surplus and needs across the network, as this centre knows them
// (ListSurplus, ListNeeds): marking units of one of this centre's lots as
// surplus (MarkSurplus), this centre's minimum for a product (SetMinimum), and
// asking the centre that has a surplus for some of it (a request, prepared on
// the Transferts screen). The units offered are the lot's mark less what the
// centre has shipped from it since (common/transfer_view.h).
import { $, attempt, centreNamed, el, expiryText, productNamed, replaceOptions, showInfo, till } from './common.js';
import { site } from './connection.js';
import { lotLabel } from './stock_adjust.js';
import { prepareRequest } from './transfers.js';

async function loadOwnLots() {
  const report = await attempt(() => till('GetStock', {}));
  if (!report) return;
  replaceOptions($('mark-lot'), ...report.products.flatMap((level) => level.lots.map((lot) =>
    el('option', { value: lot.lotId, textContent: `${level.product.name} : ${lotLabel(lot)}` }))));
}

// "Demander…" opens a request for the row's units, filled in, on the Transferts screen.
function requestCell(entry) {
  if (entry.site === site) return el('td', { textContent: '(ce centre)' });
  const ask = el('button', { type: 'button', textContent: 'Demander…', onclick: () => prepareRequest(entry) });
  ask.setAttribute('aria-label', `Demander ${productNamed(entry.productId)} à ${centreNamed(entry.site)}`);
  return el('td', {}, ask);
}

export async function loadSurplus() {
  const [surplus, needs] = await Promise.all([
    attempt(() => till('ListSurplus', {})), attempt(() => till('ListNeeds', {})), loadOwnLots()]);
  if (surplus) {
    $('surplus-lines').replaceChildren(...surplus.surplus.map((entry) => el('tr', {},
      el('td', { textContent: centreNamed(entry.site) }),
      el('td', { textContent: entry.productName || productNamed(entry.productId) }),
      el('td', { textContent: entry.lotId }),
      el('td', { textContent: String(entry.quantity) }),
      el('td', { textContent: expiryText(entry.expiryKind, entry.expiryDay) || 'sans date' }),
      requestCell(entry))));
    if (surplus.surplus.length === 0) {
      $('surplus-lines').replaceChildren(el('tr', {}, el('td', { colSpan: 6, textContent: 'Aucun surplus proposé.' })));
    }
  }
  if (needs) {
    $('need-lines').replaceChildren(...needs.needs.map((need) => el('tr', {},
      el('td', { textContent: centreNamed(need.site) }),
      el('td', { textContent: need.productName || productNamed(need.productId) }),
      el('td', { textContent: String(need.stock) }),
      el('td', { textContent: String(need.minimum) }),
      el('td', { textContent: String(need.missing) }))));
    if (needs.needs.length === 0) {
      $('need-lines').replaceChildren(el('tr', {}, el('td', { colSpan: 5, textContent: 'Aucun besoin signalé.' })));
    }
  }
}

export async function markSurplus(event) {
  event.preventDefault();
  const lotId = $('mark-lot').value;
  const quantity = Number($('mark-quantity').value);
  const lot = await attempt(() => till('MarkSurplus', { lotId, quantity }));
  if (!lot) return;
  $('mark-quantity').value = '';
  await loadSurplus();
  const offered = Math.min(quantity, Number(lot.remaining));
  showInfo(offered > 0
    ? `Lot ${lot.lotId} : ${offered} ${productNamed(lot.productId)} proposé(s) aux autres centres.`
    : `Lot ${lot.lotId} : n'est plus proposé en surplus.`);
}

export async function setMinimum(event) {
  event.preventDefault();
  const need = await attempt(() => till('SetMinimum', {
    productId: $('min-product').value.trim().toUpperCase(), minimum: Number($('min-units').value) }));
  if (!need) return;
  $('minimum-form').reset();
  await loadSurplus();
  showInfo(Number(need.minimum) > 0
    ? `Minimum de ${need.productName} : ${need.minimum}. En stock : ${need.stock}` +
      (Number(need.missing) > 0 ? `, il en manque ${need.missing}.` : '.')
    : `${need.productName} n'a plus de minimum.`);
}
