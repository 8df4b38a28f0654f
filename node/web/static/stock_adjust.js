// Correcting this centre's stock (AdjustStock): a stocktake that counted a
// different number, units past their date or damaged (taken out of their lot),
// with the reason and an optional comment.
import { $, attempt, el, expiryText, productNamed, showInfo, till } from './common.js';

export const reasonLabel = { STOCKTAKE: 'inventaire', EXPIRED: 'périmé', DAMAGED: 'abîmé',
  OTHER_ADJUSTMENT: 'autre' };

// "HEM-L-000001 — reste 24, DLC 03/12/2026".
export function lotLabel(lot) {
  return `${lot.lotId} — reste ${lot.remaining}` +
    (lot.expiryDay ? `, ${expiryText(lot.expiryKind, lot.expiryDay)}` : '');
}

// Lists the product's lots in the lot choice (the product typed, or `productId`).
export async function loadAdjustLots(productId, lotId = '') {
  const product = (productId || $('adj-product').value).trim().toUpperCase();
  const choice = $('adj-lot');
  choice.replaceChildren(el('option', { value: '', textContent: 'Sans lot précis (inventaire)' }));
  if (!product) return;
  // An unknown product lists no lot: the till says so when the correction is sent.
  const report = await till('GetStock', { productId: product }).catch(() => null);
  if (!report) return;
  for (const level of report.products) {
    choice.append(...level.lots.map((lot) => el('option', { value: lot.lotId, textContent: lotLabel(lot) })));
  }
  choice.value = lotId;
}

// Fills the correction form for a product (and one of its lots), from the stock list.
export async function correct(productId, lotId) {
  $('adj-product').value = productId;
  await loadAdjustLots(productId, lotId || '');
  $('adj-quantity').focus();
}

// Units past their date or damaged only ever leave the stock.
export function reasonChanged() {
  if (['EXPIRED', 'DAMAGED'].includes($('adj-reason').value)) $('adj-direction').value = '-1';
}

export async function adjustStock(event, reloadStock) {
  event.preventDefault();
  const delta = Number($('adj-direction').value) * Number($('adj-quantity').value);
  const reason = $('adj-reason').value;
  const lotId = $('adj-lot').value;
  const level = await attempt(() => till('AdjustStock', {
    productId: $('adj-product').value.trim().toUpperCase(), lotId, delta, reason,
    comment: $('adj-comment').value.trim() }));
  if (!level) return;
  $('adjust-form').reset();
  loadAdjustLots('');
  $('adj-product').focus();  // the next correction
  await reloadStock();
  showInfo(`Correction enregistrée : ${productNamed(level.product.productId)}` +
    (lotId ? `, lot ${lotId}` : '') + ` : ${delta > 0 ? '+' : ''}${delta} (${reasonLabel[reason]}).` +
    ` En stock maintenant : ${level.quantity}.`);
}
