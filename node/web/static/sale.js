// The sale screen: find the family, build the basket (scanner, keyboard or
// mouse; basket.js), pay, show and print the receipt, void a sale after a
// confirmation. Whatever is typed is kept: a scan during a pending call waits
// for it, a scan while the focus is on a button goes to the field it is for.
import { $, attempt, catalogue, clearMessage, el, euros, showError, showInfo, till } from './common.js';
import { addLine, askPendingMember, closeChoices, offerProducts, quoteBasket, renderBasket, sale,
  saleRequest } from './basket.js';

// ---------- the family ----------

function familyCard(family) {
  const card = $('family-card');
  card.hidden = false;
  card.className = `family-card ${family.mayShopToday ? 'may-shop' : 'refused'}`;
  const remaining = family.ceilingRemainingCents !== undefined
    ? `Reste sur le plafond du mois : ${euros(family.ceilingRemainingCents)} (plafond ${euros(family.monthlyCeilingCents)}, déjà dépensé ${euros(family.spentThisMonthCents)})`
    : 'Pas de plafond mensuel.';
  card.replaceChildren(
    el('p', {}, el('strong', { textContent: `${family.familyName} — ${family.familyId}` })),
    el('p', { id: 'may-shop', textContent: family.mayShopToday
      ? 'Peut faire ses courses aujourd\'hui.' : `Ne peut pas faire d'achat : ${family.refusal}` }),
    ...(family.mayShopToday ? [el('p', { id: 'ceiling-left', textContent: remaining })] : nextStep(family)),
    el('p', { textContent: `Foyer : ${family.members.map((m) => `${m.memberId}. ${m.firstName}`).join(', ')}` }));
}

// What to do for a family that may not shop today: a coordinator records its
// referral (the Familles screen, its card number filled in); a volunteer asks one.
function nextStep(family) {
  const mayRefer = document.body.dataset.role === 'COORDINATOR' || document.body.dataset.role === 'HEAD_OFFICE';
  if (!mayRefer) {
    return [el('p', { textContent: 'Pour faire ses courses, la famille a besoin d\'une orientation valable : ' +
      'demandez à un coordinateur de l\'enregistrer (écran Familles). Client suivant : sa carte ou son nom.' })];
  }
  return [el('p', {}, el('button', { type: 'button', id: 'refer-family', textContent: 'Enregistrer une orientation',
    onclick: () => {
      document.querySelector('.tabs button[data-screen="families"]').click();
      $('ref-family').value = family.familyId;
      $('ref-prescriber').focus();
    } }))];
}

async function chooseFamily(family) {
  const other = sale.family && sale.family.familyId !== family.familyId;
  sale.family = family;
  $('family-results').replaceChildren();
  familyCard(family);
  const canSell = family.mayShopToday;
  for (const id of ['product-input', 'quantity', 'add-product']) $(id).disabled = !canSell;
  if (other) {
    // The basket follows the family chosen: its persons served are asked again.
    for (const line of sale.lines) if (line.servesPersons) line.memberId = 0;
  }
  if (!canSell) {
    sale.lines = [];
    sale.quote = null;
  }
  renderBasket();
  if (canSell) {
    if (sale.lines.length) await quoteBasket();
    $('product-input').focus();
  } else {
    // The next customer's card (or this family's, once referred) starts afresh.
    $('family-query').value = '';
    $('family-query').focus();
  }
}

// ---------- typing ----------

// Keys typed while the till answers a step that decides where they go (the
// family being looked up, the sale being recorded): kept, in order, then
// typed into the field they are for once it is known (a scan right after the
// family's Enter goes to the article; the next customer's card typed during
// Encaisser goes to the family field); null when nothing is held.
let typedAhead = null;

const holdKeys = () => { typedAhead = typedAhead || []; };

function typeKey(key) {
  if (typedAhead !== null) { typedAhead.push(key); return; }
  const field = typingField();
  if (key === 'Enter') field.form.requestSubmit();
  else field.value += key;
}

// Types what was held: an Enter submits its field's form, which may hold
// the keys after it in turn (the family looked up).
function releaseKeys() {
  const keys = typedAhead || [];
  typedAhead = null;
  for (const key of keys) typeKey(key);
}

// The field typing is for on the sale screen: the article once a family may
// shop, the family otherwise.
const typingField = () => (sale.family && sale.family.mayShopToday ? $('product-input') : $('family-query'));
export const firstSaleField = typingField;

function onKey(event) {
  if (event.ctrlKey || event.altKey || event.metaKey) return;
  if (typedAhead !== null) {
    if (event.key.length !== 1 && event.key !== 'Enter') return;
    typedAhead.push(event.key);
    event.preventDefault();
    return;
  }
  // A character typed on a button, a choice or the page (not in a field)
  // goes to the field it is for, so that a scan is never lost or turned into
  // a click; digits typed on the payment list too.
  if (event.key.length !== 1 || event.key === ' ' || $('screen-sale').offsetParent === null) return;
  if (document.querySelector('dialog[open]')) return;
  const target = event.target;
  if (target.matches && target.matches('input:not([type="checkbox"]), textarea')) return;
  if (target.tagName === 'SELECT' && !/\d/.test(event.key)) return;
  // What the field held before is not what is being typed now.
  const field = typingField();
  event.preventDefault();
  field.focus();
  field.value = event.key;
}
document.addEventListener('keydown', onKey, true);

// ↑ and ↓ move between the buttons of a list of choices.
document.addEventListener('keydown', (event) => {
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
  const list = event.target.closest && event.target.closest('.choices');
  if (!list) return;
  const buttons = [...list.querySelectorAll('button')];
  const at = buttons.indexOf(event.target);
  const next = buttons[at + (event.key === 'ArrowDown' ? 1 : -1)];
  if (next) next.focus();
  event.preventDefault();
});

// A whole barcode typed where a family is expected (the next customer's first
// scan, before a family was chosen).
function looksScanned(query) {
  return /^\d{8,14}$/.test(query) && catalogue.products.some((p) => p.barcode === query);
}

export async function searchFamilies(event) {
  event.preventDefault();
  clearMessage();
  const query = $('family-query').value.trim();
  if (!query) {
    showError('Tapez le numéro de carte ou le nom de la famille.', $('family-query'));
    return;
  }
  if (looksScanned(query)) {
    $('family-query').value = '';
    showError(`Choisissez d'abord la famille : « ${query} » est le code-barres d'un article, ` +
      'rien n\'a été vendu.', $('family-query'));
    return;
  }
  holdKeys();
  try {
    await findFamily(query);
  } finally {
    releaseKeys();
  }
}

async function findFamily(query) {
  const found = await attempt(() => till('SearchFamilies', { query, limit: 20 }));
  if (!found) return;
  const families = found.families || [];
  const matches = found.matches || [];
  if (families.length === 0) {
    $('family-results').replaceChildren();
    showError(found.notice || `Aucune famille trouvée pour « ${query} ».`, $('family-query'));
    return;
  }
  // A card number is chosen at once (this centre's card comes first), and a
  // name that only one family answers; a close name (a typo?) never.
  if (matches[0] === 'FAMILY_MATCH_CARD' || (families.length === 1 && matches[0] === 'FAMILY_MATCH_NAME')) {
    await chooseFamily(families[0]);
    return;
  }
  const choice = (family) => el('li', {}, el('button', { type: 'button', textContent: familyLabel(family),
    onclick: () => chooseFamily(family) }));
  const close = families.filter((family, i) => matches[i] === 'FAMILY_MATCH_CLOSE');
  $('family-results').replaceChildren(...families.filter((family) => !close.includes(family)).map(choice),
    ...(close.length ? [el('li', { className: 'suggestions', textContent: 'Vouliez-vous dire…' })] : []),
    ...close.map(choice));
  $('family-results').querySelector('button').focus();
}

// What tells same-name families apart: "HEM-000002 — Dupont — Amélie (1990),
// Léo (2015) — CP 59510", and why the family may not shop today.
function familyLabel(family) {
  const members = family.members.map((m) => `${m.firstName} (${m.birthYear})`).join(', ');
  return [family.familyId, family.familyName, members, family.postcode ? `CP ${family.postcode}` : '']
    .filter(Boolean).join(' — ') + (family.mayShopToday ? '' : ' (pas d\'orientation valable)');
}

// What the volunteer typed into the Article field, once it is taken from
// the field: checked, then queued.
export async function addProduct(event) {
  event.preventDefault();
  const input = $('product-input');
  // Taken at once: the next scan may already be typing into the field.
  const text = input.value.trim();
  const typed = $('quantity').value.trim();
  input.value = '';
  $('quantity').value = '1';
  if (!text) {
    if (queued === 0 && !askPendingMember() && sale.lines.length > 0) $('payment-method').focus();
    return;
  }
  const quantity = typed === '' ? 1 : Number(typed);
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > 100000) {
    // Nothing added; the article stays in its field, selected, so that Enter
    // adds one and a new scan replaces it.
    input.value = text;
    input.focus();
    input.select();
    showError(`Quantité « ${typed} » impossible : un nombre entier de 1 à 100 000. ` +
      `« ${text} » n'est pas ajouté ; Entrée pour en ajouter 1.`, input);
    return;
  }
  await enqueueProduct(text, quantity);
}

// Products waiting to be added, in the order they were scanned or typed: each
// is added once the one before it is priced, so that nothing typed while the
// till answers is lost or mixed up.
let productQueue = Promise.resolve();
let queued = 0;

function enqueueProduct(text, quantity) {
  queued++;
  productQueue = productQueue.then(() => addTyped(text, quantity)).catch(showError)
    .finally(() => { queued--; });
  return productQueue;
}

const plain = (s) => s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');

// Adds what was typed in the Article field: a barcode, a reference or words of a name.
async function addTyped(text, quantity) {
  if (!sale.family) return;  // the sale ended meanwhile
  const input = $('product-input');
  closeChoices();
  if (/^\d+$/.test(text)) {
    // A scanner types digits then Enter: a barcode.
    await addLine({ barcode: text, quantity });
  } else {
    const upper = text.toUpperCase();
    const words = plain(text).split(/\s+/);
    const exact = catalogue.products.find((p) => p.productId === upper);
    const matches = exact ? [exact] : catalogue.products.filter((p) => !p.withdrawn &&
      words.every((w) => plain(p.name).includes(w) || plain(p.productId).includes(w)));
    if (matches.length === 0) {
      showError(`Aucun article ne correspond à « ${text} ».`, input);
      if (!input.value) input.value = text;  // to correct it
      return;
    }
    if (matches.length > 1) {
      offerProducts(matches.slice(0, 12), quantity);
      return;
    }
    await addLine({ productId: matches[0].productId, quantity });
  }
  const at = document.activeElement;
  if (!at || at === document.body || at.id === 'add-product') input.focus();
}

export function showReceipt(receiptNo, text, voided) {
  sale.receiptNo = receiptNo;
  $('receipt-no').value = receiptNo;
  $('receipt-text').textContent = text;
  $('receipt-text').classList.toggle('voided', voided);
  $('print-receipt').disabled = false;
  $('void-receipt').disabled = voided;
}

export async function pay(event) {
  event.preventDefault();
  if ($('pay').disabled) {
    if (!askPendingMember()) showError('Le panier est vide : scannez un article.', $('pay'));
    return;
  }
  // One key per basket: a retried click never records the sale twice.
  sale.requestId = sale.requestId || `web-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const request = { ...saleRequest(), requestId: sale.requestId };
  holdKeys();
  try {
    await recordSale(request);
  } finally {
    releaseKeys();
  }
}

async function recordSale(request) {
  const done = await attempt(() => till('RecordSale', request));
  if (!done) return;
  showReceipt(done.receiptNo, done.receiptText, false);
  sale.requestId = '';
  $('allow-negative').checked = false;
  // The sale is over: the next customer starts from the family field, and
  // nothing can be added to this family's basket any more.
  endSale();
  $('family-query').focus();
  showInfo(`Vente enregistrée : ticket ${done.receiptNo}, la famille paie ${euros(done.familyTotalCents)}.` +
    (done.ceilingRemainingCents !== undefined
      ? ` Reste sur le plafond du mois : ${euros(done.ceilingRemainingCents)}.` : '') +
    (done.warnings.length ? ` ${done.warnings.join(' ')}` : '') +
    ' Client suivant : sa carte ou son nom.', $('family-query'));
}

// Forgets the family and the basket; the receipt stays, to print or void.
function endSale() {
  sale.family = null;
  sale.lines = [];
  sale.quote = null;
  $('family-card').hidden = true;
  $('family-query').value = '';
  $('family-results').replaceChildren();
  closeChoices();
  for (const id of ['product-input', 'quantity', 'add-product']) $(id).disabled = true;
  $('product-input').value = '';
  renderBasket();
}

export function newSale() {
  endSale();
  $('receipt-text').textContent = '';
  $('receipt-no').value = '';
  $('print-receipt').disabled = true;
  $('void-receipt').disabled = true;
  clearMessage();
  $('family-query').focus();
}

export async function findReceipt(event) {
  event.preventDefault();
  const receiptNo = $('receipt-no').value.trim().toUpperCase();
  if (!receiptNo) return;
  const receipt = await attempt(() => till('GetReceipt', { receiptNo }));
  if (receipt) { clearMessage(); showReceipt(receipt.receiptNo, receipt.text, receipt.voided); }
}

export function askVoid() {
  $('void-receipt-no').textContent = sale.receiptNo;
  $('void-reason').value = '';
  // Escape closes the dialog without touching returnValue: clear the last answer
  // so that only a click on "Confirmer" voids.
  $('void-dialog').returnValue = '';
  $('void-dialog').showModal();
  $('void-reason').focus();
}

// "Confirmer l'annulation" without a reason: said in French, in the dialog.
export function checkVoid(event) {
  if (event.submitter && event.submitter.value === 'confirm' && !$('void-reason').value.trim()) {
    event.preventDefault();
    showError('Donnez le motif de l\'annulation (par exemple : erreur de saisie).', $('void-reason'));
    $('void-reason').focus();
  }
}

export async function voidClosed() {
  clearMessage();
  if ($('void-dialog').returnValue !== 'confirm') { $('void-receipt').focus(); return; }
  const receiptNo = sale.receiptNo;
  const reason = $('void-reason').value.trim();
  const done = await attempt(() => till('VoidSale', { receiptNo, reason }));
  if (!done) return;
  const receipt = await attempt(() => till('GetReceipt', { receiptNo }));
  if (receipt) showReceipt(receipt.receiptNo, receipt.text, receipt.voided);
  if (sale.family) {
    const family = await attempt(() => till('GetFamily', { familyId: sale.family.familyId }));
    if (family) { sale.family = family; familyCard(family); }
  }
  // Back to the sale: the next field, the confirmation beside the receipt.
  typingField().focus();
  showInfo(`Vente ${receiptNo} annulée : stock et plafond rétablis.`, $('receipt-panel'));
}
