// Surplus and needs across the network, as this centre knows them
// (ListSurplus, ListNeeds): marking units of one of this centre's lots as
// surplus (MarkSurplus), this centre's minimum for a product (SetMinimum), and
// asking the centre that has a surplus for some of it (a transfer request).
import { $, attempt, el, expiryText, productNamed, replaceOptions, showInfo, till } from './common.js';
import { site } from './connection.js';
import { lotLabel } from './stock_adjust.js';

async function loadOwnLots() {
  const report = await attempt(() => till('GetStock', {}));
  if (!report) return;
  replaceOptions($('mark-lot'), ...report.products.flatMap((level) => level.lots.map((lot) =>
    el('option', { value: lot.lotId, textContent: `${level.product.name} : ${lotLabel(lot)}` }))));
}

function requestCell(entry) {
  if (entry.site === site) return el('td', { textContent: '(ce centre)' });
  const name = productNamed(entry.productId);
  const quantity = el('input', { type: 'number', min: '1', className: 'narrow', value: String(entry.quantity) });
  quantity.setAttribute('aria-label', `Unités de ${name} à demander à ${entry.site}`);
  const ask = el('button', { type: 'button', textContent: `Demander à ${entry.site}`, onclick: async () => {
    const units = Number(quantity.value);
    const view = await attempt(() => till('ProposeTransfer', {
      kind: 'REQUEST', otherSite: entry.site, items: [{ productId: entry.productId, quantity: units }],
      note: `Surplus du lot ${entry.lotId}` }));
    if (!view) return;
    showInfo(`Demande ${view.transferId} envoyée à ${entry.site} : ${name} × ${units}. ` +
      'Suivez-la dans l\'écran Transferts.');
  } });
  return el('td', {}, el('div', { className: 'row' }, quantity, ask));
}

export async function loadSurplus() {
  const [surplus, needs] = await Promise.all([
    attempt(() => till('ListSurplus', {})), attempt(() => till('ListNeeds', {})), loadOwnLots()]);
  if (surplus) {
    $('surplus-lines').replaceChildren(...surplus.surplus.map((entry) => el('tr', {},
      el('td', { textContent: entry.site }),
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
      el('td', { textContent: need.site }),
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
