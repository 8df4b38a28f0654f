// The basket of the sale in progress: its lines, each priced by the node
// (QuoteSale, the sale's own rules); the person served by a salon line; what
// the volunteer may do when a line cannot be added (stock, ceiling). The basket
// changes only when the node has priced the new one: a refused line leaves it
// as it was, with prices and totals.
import { $, catalogue, clearMessage, departmentOf, el, euros, loadCatalogue, showError,
  till } from './common.js';

export const sale = {
  family: null,   // FamilyView
  lines: [],      // {productId, barcode, quantity, memberId, servesPersons, name, priced}
  quote: null,    // SaleQuote of the lines that are complete
  receiptNo: '',
};

const needsMember = (line) => line.servesPersons && !line.memberId;
const lineName = (line) => line.name || line.barcode || line.productId;

// `lines` as a RecordSaleRequest for the family of the sale.
export function saleRequest(lines = sale.lines, allowNegativeStock = $('allow-negative').checked) {
  return {
    familyId: sale.family.familyId,
    items: lines.map((line) => ({
      productId: line.productId || '', barcode: line.productId ? '' : line.barcode,
      quantity: line.quantity, memberId: line.memberId || 0,
    })),
    paymentMethod: $('payment-method').value,
    allowNegativeStock,
  };
}

// Prices `lines` (copies, changed in place) with the node; a salon line whose
// person is not chosen yet waits, unpriced. Throws the node's refusal.
async function priceLines(lines, allowNegativeStock) {
  const ready = lines.filter((line) => !needsMember(line));
  for (const line of lines) line.priced = null;
  if (ready.length === 0) return null;
  const quote = await till('QuoteSale', saleRequest(ready, allowNegativeStock));
  quote.lines.forEach((priced, i) => {
    ready[i].productId = priced.productId;
    ready[i].name = priced.productName;
    ready[i].priced = priced;
  });
  return quote;
}

function keep(lines, quote) {
  sale.lines = lines;
  sale.quote = quote;
  renderBasket();
}

const copyOf = (lines) => lines.map((line) => ({ ...line }));

// Prices the basket again (a confirmation changed, a line was removed). On a
// refusal, says so and returns false.
export async function quoteBasket() {
  if (!sale.family) return true;
  const lines = copyOf(sale.lines);
  try {
    keep(lines, await priceLines(lines, $('allow-negative').checked));
    return true;
  } catch (error) {
    showError(error, $('basket-lines'));
    return false;
  }
}

function findProduct(line) {
  return line.productId
    ? catalogue.products.find((p) => p.productId === line.productId)
    : catalogue.products.find((p) => p.barcode && p.barcode === line.barcode);
}

// The basket with `line` added: scanning a product again adds to its line.
function withLine(lines, line) {
  const next = copyOf(lines);
  const same = next.find((l) => !l.servesPersons && l.productId && l.productId === line.productId);
  if (same) same.quantity += line.quantity;
  else next.push({ ...line });
  return { next, changed: same || next[next.length - 1] };
}

// Adds `line` ({barcode or productId, quantity}) to the basket.
export async function addLine(line) {
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
  const { next, changed } = withLine(sale.lines, line);
  try {
    keep(next, await priceLines(next, $('allow-negative').checked));
  } catch (error) {
    if (!(await offerStock(next, changed, line, error))) {
      showError(`${error.message} « ${lineName(line)} » n'est pas ajouté au panier.`, $('product-input'));
    }
    return;
  }
  clearMessage();
  if (needsMember(changed)) askMember(changed);
}

// ---------- choices next to the Article field ----------

// Offers `choices` ([label, action]) under the Article field after `question`;
// the first is focused (Entrée chooses it, ↑ ↓ move). A scan typed meanwhile
// goes back to the Article field (see keys.js): nothing is chosen by a scan.
function offer(question, choices) {
  $('product-question').textContent = question;
  $('product-question').hidden = false;
  $('product-results').replaceChildren(...choices.map(([label, action]) => el('li', {},
    el('button', { type: 'button', textContent: label, onclick: async () => {
      closeChoices();
      await action();
      if (!$('product-results').children.length) $('product-input').focus();
    } }))));
  $('product-results').querySelector('button').focus();
}

export function closeChoices() {
  $('product-question').hidden = true;
  $('product-results').replaceChildren();
}

export function offerProducts(products, quantity) {
  offer(`Plusieurs articles correspondent : lequel ?`, products.map((p) =>
    [`${p.name} — ${euros(p.referencePriceCents)}`, () => addLine({ productId: p.productId, quantity })]));
}

// Who is served by a salon line (a haircut for the mother or the son).
function askMember(line) {
  const members = sale.family.members;
  offer(`Pour qui est « ${lineName(line)} » ?`, members.map((m) => [
    `${m.firstName}${m.birthYear ? ` (né·e en ${m.birthYear})` : ''}`,
    () => chooseMember(line, m.memberId)]));
}

// Names the person served by `line`; a refusal (the haircut breaks the monthly
// ceiling) takes the line out of the basket and says why.
async function chooseMember(line, memberId) {
  const at = sale.lines.indexOf(line);
  if (at < 0) return;
  const next = copyOf(sale.lines);
  next[at].memberId = memberId;
  try {
    keep(next, await priceLines(next, $('allow-negative').checked));
    clearMessage();
  } catch (error) {
    const without = copyOf(sale.lines);
    without.splice(at, 1);
    keep(without, await priceLines(without, $('allow-negative').checked).catch(() => null));
    showError(`${error.message} « ${lineName(line)} » est retiré du panier.`, $('product-input'));
  }
}

// The first salon line still waiting for its person: asks for it again.
export function askPendingMember() {
  const pending = sale.lines.find(needsMember);
  if (pending) askMember(pending);
  return Boolean(pending);
}

// A line refused for want of stock: tells how many units the shelf has, and
// offers to add those, or all of them if the recorded stock is wrong, or none.
async function offerStock(next, changed, line, error) {
  if (error.code !== 'FAILED_PRECONDITION' || $('allow-negative').checked) return false;
  let short = 0;
  try {
    await priceLines(next, true);
    short = Number((changed.priced && changed.priced.shortfall) || 0);
  } catch (e) {
    return false;  // refused for another reason (the ceiling)
  }
  if (short <= 0) return false;
  const onShelf = Math.max(0, line.quantity - short);
  const name = lineName(line);
  const choices = [];
  if (onShelf > 0) {
    choices.push([`Ajouter les ${onShelf} en stock`, () => addLine({ ...line, quantity: onShelf })]);
  }
  const all = line.quantity > 1 ? `les ${line.quantity}` : 'l\'article';
  choices.push([`Le stock enregistré est faux : vendre ${all} quand même`, async () => {
    $('allow-negative').checked = true;
    await addLine({ ...line });
  }]);
  choices.push(['Ne pas ajouter', () => {}]);
  offer(`Stock insuffisant pour « ${name} » : ${line.quantity} demandé${line.quantity > 1 ? 's' : ''}, ` +
    `${onShelf > 0 ? `${onShelf} en stock` : 'plus rien en stock'}. Que faire ?`, choices);
  return true;
}

// ---------- drawing ----------

// The person served by a salon line: a button with their first name (or
// "à choisir"), which asks again.
function memberCell(line) {
  if (!line.servesPersons) return el('td', { textContent: '' });
  const member = sale.family.members.find((m) => m.memberId === line.memberId);
  const change = el('button', { type: 'button', textContent: member ? member.firstName : 'à choisir',
    onclick: () => askMember(line) });
  change.setAttribute('aria-label', `Personne servie pour ${lineName(line)} : ` +
    `${member ? `${member.firstName}, changer` : 'à choisir'}`);
  return el('td', {}, change);
}

export function renderBasket() {
  const body = $('basket-lines');
  const quote = sale.quote;
  if (sale.lines.length === 0) {
    body.replaceChildren(el('tr', { className: 'empty' }, el('td', { colSpan: 7, textContent: 'Panier vide.' })));
  } else {
    body.replaceChildren(...sale.lines.map((line, i) => {
      const priced = line.priced;
      const money = (cents) => el('td', { className: 'money', textContent: priced ? euros(cents) : '—' });
      const remove = el('button', { type: 'button', textContent: '✕', title: `Retirer ${lineName(line)}`,
        onclick: async () => {
          const next = copyOf(sale.lines);
          next.splice(i, 1);
          keep(next, await priceLines(next, $('allow-negative').checked).catch((e) => { showError(e); return null; }));
          $('product-input').focus();
        } });
      remove.setAttribute('aria-label', `Retirer ${lineName(line)}`);
      return el('tr', {},
        el('td', { textContent: lineName(line) }),
        el('td', { textContent: String(line.quantity) }),
        money(priced && priced.referenceCents),
        money(priced && priced.familyCents),
        money(priced && (Number(priced.referenceCents) - Number(priced.familyCents))),
        memberCell(line), el('td', {}, remove));
    }));
    body.lastElementChild.scrollIntoView({ block: 'nearest' });
  }
  $('total-reference').textContent = euros(quote ? quote.referenceTotalCents : 0);
  $('total-family').textContent = euros(quote ? quote.familyTotalCents : 0);
  $('total-saved').textContent = euros(quote ? quote.savedCents : 0);
  const pending = sale.lines.find(needsMember);
  $('ceiling-after').textContent = pending
    ? `Choisissez la personne servie pour « ${lineName(pending)} » avant d'encaisser.`
    : quote && quote.ceilingRemainingCents !== undefined
      ? `Après ce panier, il restera ${euros(quote.ceilingRemainingCents)} sur le plafond du mois.` : '';
  // Selling beyond the recorded stock is confirmed at a shortfall (offerStock);
  // shown while it holds, so it can be taken back.
  $('allow-negative-label').hidden = !$('allow-negative').checked;
  $('pay').disabled = !sale.family || !quote || sale.lines.length === 0 || Boolean(pending);
}
