// Receiving a delivery of donations (Stock screen, ReceiveStock), article by
// article: the volunteer scans (or types a reference or words of the name,
// then Enter), the till shows the product found and moves on to Quantité;
// "Entrer en stock" readies the form for the next article of the same
// delivery: article empty and focused, the donor kept, the dates cleared.
// The donor is never assumed: it is chosen, "Non renseigné" only on purpose.
import { $, NO_DONOR, attempt, catalogue, donorNamed, euros, loadCatalogue, showInfo, till } from './common.js';
import { clearFieldError, dayOf, showFieldError } from './forms.js';

let found = null;  // the product the Article field was resolved to, null before

const plain = (text) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

// The catalogue's products that `text` names: its barcode, its reference, or
// words all found in its name (accents and case aside).
function productsMatching(text) {
  const products = catalogue.products.filter((p) => !p.withdrawn);
  const exact = products.filter((p) => (p.barcode && p.barcode === text) ||
    p.productId.toUpperCase() === text.toUpperCase());
  if (exact.length) return exact;
  const words = plain(text).split(/\s+/).filter(Boolean);
  return products.filter((p) => words.every((w) => plain(`${p.name} ${p.productId}`).includes(w)));
}

// Resolves the Article field; shows the product found, or says in French what
// is wrong next to the field. Returns the product, or null.
async function resolveProduct() {
  const input = $('rcv-product');
  const text = input.value.trim();
  found = null;
  $('rcv-product-name').textContent = '';
  if (!text) {
    showFieldError(input, 'Scannez le code-barres, ou tapez une référence ou un nom, puis Entrée.');
    return null;
  }
  let matches = productsMatching(text);
  // A product head office has just defined may not be in this page's catalogue yet.
  if (matches.length === 0) { await loadCatalogue(); matches = productsMatching(text); }
  if (matches.length !== 1) {
    showFieldError(input, matches.length === 0
      ? `Article inconnu : « ${text} ». Vérifiez le code, ou tapez la référence ou le nom.`
      : `Plusieurs articles : ${matches.slice(0, 5).map((p) => p.name).join(', ')}${matches.length > 5 ? '…' : ''}. Précisez.`);
    return null;
  }
  clearFieldError(input);
  [found] = matches;
  $('rcv-product-name').textContent = `${found.name} — ${euros(found.referencePriceCents)}`;
  return found;
}

// Enter in Article: the product, then Quantité; the form is not sent.
async function articleKey(event) {
  if (event.key !== 'Enter') return;
  event.preventDefault();
  if (await resolveProduct()) $('rcv-quantity').focus();
  else $('rcv-product').focus();
}

export function prepareDonation() {
  $('rcv-product').addEventListener('keydown', articleKey);
  $('rcv-product').addEventListener('input', () => {
    found = null;
    $('rcv-product-name').textContent = '';
  });
}

// Ready for the next article of the same delivery: the donor stays.
function nextArticle() {
  for (const id of ['rcv-product', 'rcv-quantity', 'rcv-lot', 'rcv-day']) $(id).value = '';
  $('rcv-kind').value = 'EXPIRY_KIND_UNSPECIFIED';
  $('rcv-product-name').textContent = '';
  found = null;
  $('rcv-product').focus();
}

// The form's submit (its fields already checked by forms.js); `reloadStock`
// refreshes the stock list.
export async function receiveStock(event, reloadStock) {
  event.preventDefault();
  const product = found || await resolveProduct();
  if (!product) { $('rcv-product').focus(); return; }
  const donor = $('rcv-donor').value;
  const lot = await attempt(() => till('ReceiveStock', {
    productId: product.productId, quantity: Number($('rcv-quantity').value),
    donorId: donor === NO_DONOR ? '' : donor, lotNumber: $('rcv-lot').value.trim(),
    expiryKind: $('rcv-kind').value, expiryDay: dayOf($('rcv-day')),
  }));
  if (!lot) return;
  nextArticle();
  await reloadStock();
  showInfo(`Lot ${lot.lotId} entré en stock : ${product.name} × ${lot.quantityReceived}, ` +
    `${donor === NO_DONOR ? 'donateur non renseigné' : `don de ${donorNamed(donor)}`}. Article suivant ?`);
}
