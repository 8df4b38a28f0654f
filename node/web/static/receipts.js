// "Tickets du jour" in the Ticket panel of the sale screen: this centre's
// sales of today (TillService.ListReceipts), newest first; choosing one shows
// its receipt, to print or void it, without typing its number.
//
// refreshReceipts() reloads the list: call it after each sale and each void.
import { $, attempt, clearMessage, el, euros, till } from './common.js';
import { showReceipt } from './sale.js';

const kPage = 50;

// "14:05 · HEM-000002 · Dupont · 3,78 € · annulé"
function receiptLabel(receipt) {
  return [receipt.time, receipt.familyId, receipt.familyName, euros(receipt.familyTotalCents),
    receipt.voided ? 'annulé' : ''].filter(Boolean).join(' · ');
}

async function openReceipt(receiptNo) {
  const receipt = await attempt(() => till('GetReceipt', { receiptNo }));
  if (!receipt) return;
  clearMessage();
  showReceipt(receipt.receiptNo, receipt.text, receipt.voided);
  $('print-receipt').focus();
}

function receiptItem(receipt) {
  return el('li', {}, el('button', {
    type: 'button', className: receipt.voided ? 'voided' : '', textContent: receiptLabel(receipt),
    title: `Ticket ${receipt.receiptNo}`, onclick: () => openReceipt(receipt.receiptNo),
  }));
}

// Appends the page of receipts before `before` ('' for the newest).
async function loadPage(before) {
  const page = await attempt(() => till('ListReceipts', { limit: kPage, before }));
  if (!page) return;
  const list = $('today-receipts');
  if (!before) list.replaceChildren();
  list.append(...page.receipts.map(receiptItem));
  $('today-receipts-empty').hidden = list.children.length > 0;
  const more = $('older-receipts');
  more.hidden = !page.nextBefore;
  more.onclick = () => loadPage(page.nextBefore);
}

export function refreshReceipts() {
  return loadPage('');
}
