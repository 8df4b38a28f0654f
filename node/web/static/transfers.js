// Transfers between centres (TillService *Transfer): ask another centre for
// goods or offer them, and this centre's transfers with the actions its side
// may take. Shipping first shows what goes in the box (ShipTransfer with
// preview: the lots, their dates, units from each) and ships only when the
// volunteer confirms, those very lots. Centres are named in French, from what
// this centre knows of the network (GetCatalogue's centres), never itself.
import { $, attempt, catalogue, centreNamed, el, expiryText, productNamed, replaceOptions, showError,
  showInfo, till } from './common.js';
import { site } from './connection.js';
import { askArrival } from './arrival.js';

// The words of a transfer, by who proposed it: a request comes from the
// destination, an offer from the source.
const words = {
  REQUEST: { noun: 'Demande', send: 'Envoyer la demande', sent: 'envoyée',
    PROPOSED: 'demandé, attend la réponse', ACCEPTED: 'demande acceptée, à expédier',
    DECLINED: 'demande refusée', CANCELLED: 'demande annulée' },
  OFFER: { noun: 'Offre', send: 'Envoyer l\'offre', sent: 'envoyée',
    PROPOSED: 'offert, attend la réponse', ACCEPTED: 'offre acceptée, à expédier',
    DECLINED: 'offre refusée', CANCELLED: 'offre annulée' },
};
const kindOf = (t) => (t.proposedBy === t.destination ? 'REQUEST' : 'OFFER');
const stateText = (t) => ({ SHIPPED: 'expédié, en route', RECEIVED: 'reçu' })[t.state] ||
  words[kindOf(t)][t.state] || t.state;
const itemsText = (lines) => lines.map((i) => `${productNamed(i.productId)} × ${i.quantity}`).join(', ');

// The propose form follows its kind: the button says what is sent.
export function kindChanged() {
  $('tr-send').textContent = words[$('tr-kind').value].send;
}

// After an action on `transferId`: the list again, the message, and the focus
// on what that transfer needs next here, else on the form for the next one.
async function afterAction(transferId, message) {
  await loadTransfers();
  showInfo(message);
  const row = [...$('transfer-lines').rows].find((r) => r.dataset.transfer === transferId);
  const next = row && row.querySelector('button');
  (next || $('tr-kind')).focus();
}

async function act(method, request, done) {
  const view = await attempt(() => till(method, request));
  if (view) await afterAction(view.transferId, `${words[kindOf(view)].noun} ${view.transferId} : ${done}.`);
}

// ---------- shipping: what goes in the box, then a confirmation ----------

const shipping = { transferId: '', lots: [] };

async function askShip(t) {
  const preview = await attempt(() => till('ShipTransfer', { transferId: t.transferId, preview: true }));
  if (!preview) return;
  shipping.transferId = t.transferId;
  shipping.lots = preview.shipped;
  $('ship-id').textContent = t.transferId;
  $('ship-to').textContent = centreNamed(t.destination);
  $('ship-lots').replaceChildren(...preview.shipped.map((lot) => el('tr', {},
    el('td', { textContent: productNamed(lot.productId) }),
    el('td', { textContent: lot.lotId + (lot.lotNumber ? ` (n° ${lot.lotNumber})` : '') }),
    el('td', { textContent: expiryText(lot.expiryKind, lot.expiryDay) || 'sans date' }),
    el('td', { textContent: String(lot.quantity) }))));
  // Escape closes the dialog without a return value: only "Confirmer" ships.
  $('ship-dialog').returnValue = '';
  $('ship-dialog').showModal();
  $('ship-confirm').focus();
}

export async function shipClosed() {
  const { transferId, lots } = shipping;
  if ($('ship-dialog').returnValue !== 'confirm') {
    showInfo(`Transfert ${transferId} : rien n'a été expédié.`);
    const row = [...$('transfer-lines').rows].find((r) => r.dataset.transfer === transferId);
    (row ? row.querySelector('button') : $('tr-kind')).focus();
    return;
  }
  const view = await attempt(() => till('ShipTransfer', {
    transferId, expectedLots: lots.map((lot) => ({ lotId: lot.lotId, quantity: lot.quantity })) }));
  if (view) {
    await afterAction(transferId, `Transfert ${transferId} expédié à ${centreNamed(view.destination)} : ` +
      `${itemsText(lots)}.`);
  }
}

// ---------- the list ----------

function transferButtons(t) {
  const buttons = [];
  const button = (text, action) => el('button', { type: 'button', textContent: text, onclick: action });
  const ask = (question) => window.prompt(question) || '';
  const other = t.proposedBy === t.source ? t.destination : t.source;
  if (t.state === 'PROPOSED' && site === other) {
    buttons.push(button('Accepter', () => act('AnswerTransfer', { transferId: t.transferId, accept: true }, 'acceptée')));
    buttons.push(button('Refuser…', () => {
      const reason = ask('Motif du refus ?');
      if (reason) act('AnswerTransfer', { transferId: t.transferId, accept: false, reason }, 'refusée');
    }));
  }
  if (t.state === 'ACCEPTED' && site === t.source) buttons.push(button('Expédier…', () => askShip(t)));
  if (t.state === 'SHIPPED' && site === t.destination) {
    buttons.push(button('Tout est arrivé', () => act('ReceiveTransfer', { transferId: t.transferId },
      'reçue, tout est entré en stock')));
    buttons.push(button('Arrivée partielle…', () => askArrival(t)));
  }
  if (t.state === 'PROPOSED' || t.state === 'ACCEPTED') {
    buttons.push(button('Annuler…', () => {
      const reason = ask('Motif de l\'annulation ?');
      if (reason) act('CancelTransfer', { transferId: t.transferId, reason }, 'annulée');
    }));
  }
  return buttons;
}

// The centres this one may ask or offer to: every other centre it knows of.
function loadCentres() {
  const others = (catalogue.centres || []).filter((c) => c.site !== site);
  replaceOptions($('tr-site'), ...others.map((c) => el('option', { value: c.site, textContent: c.name })));
}

let prefill = null;  // a request prepared from the surplus screen, applied once the list is loaded

export async function loadTransfers() {
  loadCentres();
  kindChanged();
  if (prefill) {
    $('tr-kind').value = 'REQUEST';
    kindChanged();
    $('tr-site').value = prefill.site;
    $('tr-product').value = prefill.productId;
    $('tr-quantity').value = String(prefill.quantity);
    showInfo(`Demande préparée : ${productNamed(prefill.productId)} à ${centreNamed(prefill.site)}. ` +
      'Vérifiez la quantité, puis « Envoyer la demande ».');
    $('tr-quantity').focus();
    prefill = null;
  }
  const list = await attempt(() => till('ListTransfers', { site }));
  if (!list) return;
  $('transfer-lines').replaceChildren(...list.transfers.map((t) => {
    const row = el('tr', {},
      el('td', { textContent: t.transferId }),
      el('td', { textContent: `${centreNamed(t.source)} → ${centreNamed(t.destination)}` }),
      el('td', { textContent: itemsText(t.items) +
        t.received.filter((r) => r.reason || Number(r.damaged)).map((r) => ` ; reçus : ${productNamed(r.productId)} × ${r.arrived}` +
          (Number(r.damaged) ? ` dont ${r.damaged} abîmé(s)` : '') + (r.reason ? ` (${r.reason})` : '')).join('') }),
      el('td', { textContent: stateText(t) }),
      el('td', {}, ...transferButtons(t)));
    row.dataset.transfer = t.transferId;
    return row;
  }));
  if (list.transfers.length === 0) {
    $('transfer-lines').replaceChildren(el('tr', {}, el('td', { colSpan: 5, textContent: 'Aucun transfert.' })));
  }
}

// Opens the Transferts screen with a request for `entry` (a surplus row) filled in.
export function prepareRequest(entry) {
  prefill = { site: entry.site, productId: entry.productId, quantity: entry.quantity };
  document.querySelector('.tabs button[data-screen="transfers"]').click();
}

export async function proposeTransfer(event) {
  event.preventDefault();
  const kind = $('tr-kind').value;
  const productId = $('tr-product').value.trim().toUpperCase();
  const quantity = Number($('tr-quantity').value);
  if (!$('tr-site').value) { showError('Aucun autre centre connu pour l\'instant : attendez la synchronisation avec le siège.'); return; }
  if (!productId) { showError('Indiquez l\'article (sa référence).'); $('tr-product').focus(); return; }
  if (!Number.isInteger(quantity) || quantity < 1) {
    showError('Quantité : un nombre entier d\'au moins 1.');
    $('tr-quantity').focus();
    return;
  }
  const view = await attempt(() => till('ProposeTransfer', {
    kind, otherSite: $('tr-site').value, items: [{ productId, quantity }] }));
  if (!view) return;
  $('tr-product').value = '';
  $('tr-quantity').value = '';
  await loadTransfers();
  const to = centreNamed(kind === 'REQUEST' ? view.source : view.destination);
  showInfo(`${words[kind].noun} ${view.transferId} ${words[kind].sent} à ${to} : ${itemsText(view.items)}.`);
  $('tr-product').focus();
}
