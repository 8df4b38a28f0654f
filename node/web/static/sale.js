// The sale screen: find the family, build the basket (scanner, keyboard or
// mouse), each line priced by the node (QuoteSale, the sale's own rules), pay,
// show and print the receipt, void a sale after a confirmation.
import { $, attempt, catalogue, clearMessage, departmentOf, el, euros, loadCatalogue, showError,
  showInfo, till } from './common.js';

// ---------- sale ----------

const sale = {
  family: null,   // FamilyView
  lines: [],      // {productId, barcode, quantity, memberId, servesPersons, quoted}
  quote: null,    // SaleQuote of `lines`
  receiptNo: '',
};

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
    el('p', { id: 'ceiling-left', textContent: remaining }),
    el('p', { textContent: `Foyer : ${family.members.map((m) => `${m.memberId}. ${m.firstName}`).join(', ')}` }));
}

async function chooseFamily(family) {
  sale.family = family;
  $('family-results').replaceChildren();
  familyCard(family);
  const canSell = family.mayShopToday;
  for (const id of ['product-input', 'quantity', 'add-product']) $(id).disabled = !canSell;
  renderBasket();
  if (canSell) $('product-input').focus();
}

// ---------- typing ahead ----------

// Keys typed while the family is being looked up (a scan right after the
// family's Enter): kept, in order, and replayed into the Article field once
// the family may shop; null when nothing is being looked up.
let typedAhead = null;

document.addEventListener('keydown', (event) => {
  if (typedAhead === null || event.ctrlKey || event.altKey || event.metaKey) return;
  if (event.key.length !== 1 && event.key !== 'Enter') return;
  typedAhead.push(event.key);
  event.preventDefault();
}, true);

// Replays what was typed ahead into the Article field (Enter adds it).
function replayTypedAhead(keys) {
  const input = $('product-input');
  for (const key of keys) {
    if (key === 'Enter') {
      enqueueProduct(input.value.trim(), 1);
      input.value = '';
    } else {
      input.value += key;
    }
  }
}

// A whole barcode typed where a family is expected (the next customer's first
// scan, before a family was chosen).
function looksScanned(query) {
  return /^\d{8,14}$/.test(query) && catalogue.products.some((p) => p.barcode === query);
}

export async function searchFamilies(event) {
  event.preventDefault();
  clearMessage();
  const query = $('family-query').value.trim();
  if (!query) return;
  if (looksScanned(query)) {
    $('family-query').value = '';
    showError(`Choisissez d'abord la famille : « ${query} » est le code-barres d'un article, ` +
      'rien n\'a été vendu.');
    return;
  }
  typedAhead = [];
  const found = await attempt(() => till('SearchFamilies', { query, limit: 20 }));
  const keys = typedAhead;
  typedAhead = null;
  if (!found) return;
  const families = found.families || [];
  const matches = found.matches || [];
  if (families.length === 0) {
    $('family-results').replaceChildren();
    showError(found.notice || `Aucune famille trouvée pour « ${query} ».`);
    return;
  }
  // A card number is chosen at once (this centre's card comes first), and a
  // name that only one family answers; a close name (a typo?) never.
  if (matches[0] === 'FAMILY_MATCH_CARD' || (families.length === 1 && matches[0] === 'FAMILY_MATCH_NAME')) {
    await chooseFamily(families[0]);
    if (sale.family && sale.family.mayShopToday) replayTypedAhead(keys);
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

// The basket as a RecordSaleRequest.
function saleRequest() {
  return {
    familyId: sale.family.familyId,
    items: sale.lines.map((line) => ({
      productId: line.productId || '', barcode: line.productId ? '' : line.barcode,
      quantity: line.quantity, memberId: line.memberId || 0,
    })),
    paymentMethod: $('payment-method').value,
    allowNegativeStock: $('allow-negative').checked,
  };
}

const needsMember = (line) => line.servesPersons && !line.memberId;

// Prices the basket with the node (the same rules as the sale). On a refusal,
// returns false and leaves sale.quote as it was.
export async function quoteBasket() {
  if (sale.lines.length === 0 || sale.lines.some(needsMember)) {
    sale.quote = null;
    renderBasket();
    return true;
  }
  const quote = await attempt(() => till('QuoteSale', saleRequest()));
  if (!quote) return false;
  sale.quote = quote;
  quote.lines.forEach((priced, i) => {
    const line = sale.lines[i];
    line.productId = priced.productId;
    line.name = priced.productName;
    line.priced = priced;
  });
  renderBasket();
  return true;
}

function findProduct(line) {
  return line.productId
    ? catalogue.products.find((p) => p.productId === line.productId)
    : catalogue.products.find((p) => p.barcode && p.barcode === line.barcode);
}

async function addLine(line) {
  let product = findProduct(line);
  if (!product) {
    // Head office may have added it since the page loaded: read the catalogue again.
    await loadCatalogue();
    product = findProduct(line);
  }
  if (product) {
    line.productId = product.productId;
    line.name = product.name;
    const department = departmentOf(product.department);
    line.servesPersons = Boolean(department && department.servesPersons);
    if (line.servesPersons && sale.family.members.length === 1) line.memberId = sale.family.members[0].memberId;
  }
  // Scanning the same product again adds to its line.
  const same = sale.lines.find((l) => !l.servesPersons && l.productId && l.productId === line.productId);
  if (same) {
    same.quantity += line.quantity;
    if (!(await quoteBasket())) same.quantity -= line.quantity;
    return;
  }
  sale.lines.push(line);
  if (!(await quoteBasket())) {
    sale.lines.pop();
    await quoteBasket();
    return;
  }
  clearMessage();
  if (needsMember(line)) {
    showInfo(`Choisissez la personne servie pour « ${line.name} ».`);
    document.querySelector(`#basket-lines tr:last-child select`).focus();
  }
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

export async function addProduct(event) {
  event.preventDefault();
  const input = $('product-input');
  // Taken at once: the next scan may already be typing into the field.
  const text = input.value.trim();
  const quantity = Math.max(1, Number($('quantity').value) || 1);
  input.value = '';
  $('quantity').value = '1';
  if (!text) {
    if (sale.lines.length > 0 && queued === 0) $('payment-method').focus();
    return;
  }
  await enqueueProduct(text, quantity);
}

// Adds what was typed in the Article field: a barcode, a reference or words of a name.
async function addTyped(text, quantity) {
  if (!sale.family) return;  // the sale ended meanwhile
  const input = $('product-input');
  $('product-results').replaceChildren();
  if (/^\d+$/.test(text)) {
    // A scanner types digits then Enter: a barcode.
    await addLine({ barcode: text, quantity });
  } else {
    const upper = text.toUpperCase();
    const words = text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').split(/\s+/);
    const plain = (s) => s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    const exact = catalogue.products.find((p) => p.productId === upper);
    const matches = exact ? [exact] : catalogue.products.filter((p) => !p.withdrawn &&
      words.every((w) => plain(p.name).includes(w) || plain(p.productId).includes(w)));
    if (matches.length === 0) {
      showError(`Aucun article ne correspond à « ${text} ».`);
      if (!input.value) input.value = text;  // to correct it
      return;
    }
    if (matches.length > 1) {
      $('product-results').replaceChildren(...matches.slice(0, 12).map((p) => el('li', {},
        el('button', { type: 'button', textContent: `${p.name} — ${euros(p.referencePriceCents)} (${p.productId})`,
          onclick: async () => {
            $('product-results').replaceChildren();
            await addLine({ productId: p.productId, quantity });
            $('product-input').focus();
          } }))));
      $('product-results').querySelector('button').focus();
      return;
    }
    await addLine({ productId: matches[0].productId, quantity });
  }
  if (!document.activeElement || document.activeElement === document.body ||
      document.activeElement.id === 'add-product') input.focus();
}

export function renderBasket() {
  const body = $('basket-lines');
  const quote = sale.quote;
  if (sale.lines.length === 0) {
    body.replaceChildren(el('tr', { className: 'empty' }, el('td', { colSpan: 7, textContent: 'Panier vide.' })));
  } else {
    body.replaceChildren(...sale.lines.map((line, i) => {
      const priced = quote && line.priced;
      const money = (cents) => el('td', { className: 'money', textContent: priced ? euros(cents) : '—' });
      let member = el('td', { textContent: '' });
      if (line.servesPersons) {
        const select = el('select');
        select.setAttribute('aria-label', `Personne servie pour ${line.name}`);
        select.append(el('option', { value: '0', textContent: '— choisir —' }),
          ...sale.family.members.map((m) => el('option', { value: String(m.memberId), textContent: `${m.memberId}. ${m.firstName}` })));
        select.value = String(line.memberId || 0);
        select.onchange = async () => {
          const before = line.memberId;
          line.memberId = Number(select.value);
          if (!(await quoteBasket())) { line.memberId = before; renderBasket(); return; }
          clearMessage();
          // The person is chosen: back to the next article (never the page).
          if (line.memberId) $('product-input').focus();
        };
        member = el('td', {}, select);
      }
      const remove = el('button', { type: 'button', textContent: '✕',
        title: `Retirer ${line.name || line.barcode}`,
        onclick: async () => {
          sale.lines.splice(i, 1);
          await quoteBasket();
          $('product-input').focus();
        } });
      remove.setAttribute('aria-label', `Retirer ${line.name || line.barcode}`);
      return el('tr', {},
        el('td', { textContent: line.name || line.barcode }),
        el('td', { textContent: String(line.quantity) }),
        money(priced && priced.referenceCents),
        money(priced && priced.familyCents),
        money(priced && (Number(priced.referenceCents) - Number(priced.familyCents))),
        member, el('td', {}, remove));
    }));
  }
  $('total-reference').textContent = euros(quote ? quote.referenceTotalCents : 0);
  $('total-family').textContent = euros(quote ? quote.familyTotalCents : 0);
  $('total-saved').textContent = euros(quote ? quote.savedCents : 0);
  $('ceiling-after').textContent = quote && quote.ceilingRemainingCents !== undefined
    ? `Après ce panier, il restera ${euros(quote.ceilingRemainingCents)} sur le plafond du mois.` : '';
  $('pay').disabled = !sale.family || !quote || sale.lines.length === 0 || sale.lines.some(needsMember);
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
  if ($('pay').disabled) return;
  // One key per basket: a retried click never records the sale twice.
  sale.requestId = sale.requestId || `web-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const request = { ...saleRequest(), requestId: sale.requestId };
  const done = await attempt(() => till('RecordSale', request));
  if (!done) return;
  showReceipt(done.receiptNo, done.receiptText, false);
  showInfo(`Vente enregistrée : ticket ${done.receiptNo}, la famille paie ${euros(done.familyTotalCents)}.` +
    (done.ceilingRemainingCents !== undefined
      ? ` Reste sur le plafond du mois : ${euros(done.ceilingRemainingCents)}.` : '') +
    (done.warnings.length ? ` ${done.warnings.join(' ')}` : '') +
    ' Client suivant : sa carte ou son nom.');
  sale.requestId = '';
  $('allow-negative').checked = false;
  // The sale is over: the next customer starts from the family field, and
  // nothing can be added to this family's basket any more.
  endSale();
  $('family-query').focus();
}

// Forgets the family and the basket; the receipt stays, to print or void.
function endSale() {
  sale.family = null;
  sale.lines = [];
  sale.quote = null;
  $('family-card').hidden = true;
  $('family-query').value = '';
  $('family-results').replaceChildren();
  $('product-results').replaceChildren();
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

export async function voidClosed() {
  if ($('void-dialog').returnValue !== 'confirm') { $('void-receipt').focus(); return; }
  const receiptNo = sale.receiptNo;
  const reason = $('void-reason').value.trim();
  const done = await attempt(() => till('VoidSale', { receiptNo, reason }));
  if (!done) return;
  const receipt = await attempt(() => till('GetReceipt', { receiptNo }));
  if (receipt) showReceipt(receipt.receiptNo, receipt.text, receipt.voided);
  showInfo(`Vente ${receiptNo} annulée : stock et plafond rétablis.`);
  if (sale.family) {
    const family = await attempt(() => till('GetFamily', { familyId: sale.family.familyId }));
    if (family) { sale.family = family; familyCard(family); }
  }
}
