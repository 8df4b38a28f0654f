// Recording what actually arrived of a transfer (ReceiveTransfer), product by
// product: units arrived, of those units damaged, and why when it is not what
// was shipped. Usable units enter this centre's stock with their provenance.
import { $, attempt, el, productNamed, showInfo, till } from './common.js';
import { loadTransfers } from './transfers.js';

const arrival = { transferId: '' };

// Units shipped per product: the shipment's lots when this centre knows them,
// else what was agreed.
function shippedUnits(transfer) {
  const units = new Map();
  const lines = transfer.shipped.length ? transfer.shipped : transfer.items;
  for (const line of lines) units.set(line.productId, (units.get(line.productId) || 0) + Number(line.quantity));
  return units;
}

export function askArrival(transfer) {
  arrival.transferId = transfer.transferId;
  $('arrival-id').textContent = transfer.transferId;
  const number = (name, value, label) => {
    const input = el('input', { type: 'number', min: '0', className: 'narrow', name, value: String(value) });
    input.setAttribute('aria-label', label);
    return input;
  };
  $('arrival-lines').replaceChildren(...[...shippedUnits(transfer)].map(([productId, shipped]) => {
    const name = productNamed(productId);
    const reason = el('input', { name: 'reason', placeholder: 'cartons écrasés pendant le transport' });
    reason.setAttribute('aria-label', `Raison de l'écart pour ${name}`);
    const row = el('tr', {},
      el('td', { textContent: name }),
      el('td', { textContent: String(shipped) }),
      el('td', {}, number('arrived', shipped, `${name} : unités arrivées`)),
      el('td', {}, number('damaged', 0, `${name} : dont abîmées`)),
      el('td', {}, reason));
    row.dataset.product = productId;
    return row;
  }));
  $('arrival-form').hidden = false;
  $('arrival-title').focus();
}

export function closeArrival() {
  $('arrival-form').hidden = true;
}

export async function recordArrival(event) {
  event.preventDefault();
  const items = [...$('arrival-lines').querySelectorAll('tr')].map((row) => ({
    productId: row.dataset.product,
    arrived: Number(row.querySelector('[name=arrived]').value),
    damaged: Number(row.querySelector('[name=damaged]').value),
    reason: row.querySelector('[name=reason]').value.trim(),
  }));
  const view = await attempt(() => till('ReceiveTransfer', { transferId: arrival.transferId, items }));
  if (!view) return;
  closeArrival();
  await loadTransfers();
  showInfo(`Transfert ${view.transferId} reçu : ` + items.map((i) => `${productNamed(i.productId)} × ${i.arrived} arrivé(s)` +
    (i.damaged ? ` dont ${i.damaged} abîmé(s)` : '')).join(', ') + '. Les unités en bon état sont entrées en stock.');
}
