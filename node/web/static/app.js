// Comptoir web till. Every call goes to this centre's own node (never to the
// hub), as the gRPC services' messages in the protobuf JSON mapping:
//   POST /api/TillService/<Rpc>, body = request, answer = response
// A refusal answers {code, message}; the message is for the volunteer.
'use strict';

const $ = (id) => document.getElementById(id);

// ---------- API ----------

class ApiError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}

async function call(service, method, request) {
  let response;
  try {
    response = await fetch(`/api/${service}/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request || {}),
    });
  } catch (e) {
    throw new ApiError('UNAVAILABLE', 'La caisse ne répond pas (le programme comptoir-node est-il lancé ?).');
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(body.code || 'UNKNOWN', body.message || `Erreur ${response.status}`);
  return body;
}
const till = (method, request) => call('TillService', method, request);

// ---------- formatting (French) ----------

// Cents (number or the JSON mapping's int64 string) as "1 234,05 €".
function euros(cents) {
  const value = Number(cents || 0);
  const negative = value < 0;
  const magnitude = Math.abs(value);
  const whole = String(Math.floor(magnitude / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  const rest = String(magnitude % 100).padStart(2, '0');
  return `${negative ? '-' : ''}${whole},${rest} €`;
}

// "60", "60,5", "60.50", "60 €" as cents; null if not an amount.
function parseEuros(text) {
  const clean = text.replace(/€/g, '').replace(/\s/g, '').replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(clean)) return null;
  const [whole, fraction = ''] = clean.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

// "2026-11-25" as "25/11/2026".
function frenchDay(day) {
  if (!day) return '';
  const [y, m, d] = day.split('-');
  return `${d}/${m}/${y}`;
}

function hourMinute(unixMs) {
  return new Date(Number(unixMs)).toLocaleTimeString('fr-FR',
    { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris' });
}

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const child of children) node.append(child);
  return node;
}

// ---------- messages ----------

function showMessage(text, kind) {
  const box = $('message');
  box.textContent = text;
  box.className = `message ${kind}`;
  box.hidden = false;
}
const showError = (error) => showMessage(error.message || String(error), 'error');
const showInfo = (text) => showMessage(text, 'info');
function clearMessage() { $('message').hidden = true; }

// Runs an action of a form; shows its refusal. Returns its result or undefined.
async function attempt(action) {
  try {
    return await action();
  } catch (error) {
    showError(error);
    return undefined;
  }
}

// ---------- connection indicator ----------

let site = '';

async function refreshConnection() {
  const box = $('connection');
  const text = $('connection-text');
  try {
    const status = await call('NodeService', 'GetSyncStatus', {});
    if (site !== status.site) {
      site = status.site;
      // A centre transfers with the others, never with itself.
      for (const option of $('tr-site').options) option.hidden = option.value === site;
      if ($('tr-site').value === site) {
        $('tr-site').value = [...$('tr-site').options].find((option) => !option.hidden).value;
      }
    }
    $('site-name').textContent = `— ${status.site}`;
    const pending = Number(status.pendingPush);
    const waiting = pending === 0 ? 'tout est envoyé'
      : `${pending} enregistrement${pending > 1 ? 's' : ''} en attente d'envoi`;
    if (!status.hubAddress) {
      box.className = 'connection offline';
      text.textContent = `Sans siège (caisse seule) · ${waiting}`;
    } else if (status.connected) {
      box.className = 'connection online';
      text.textContent = `Connecté au siège · ${waiting}`;
    } else {
      box.className = 'connection offline';
      const since = Number(status.offlineSinceUnixMs);
      text.textContent = `Hors ligne${since ? ` depuis ${hourMinute(since)}` : ''} · ${waiting}` +
        ' · la caisse continue de fonctionner';
    }
    box.dataset.state = status.connected ? 'online' : 'offline';
    box.dataset.pending = String(pending);
  } catch (error) {
    box.className = 'connection down';
    box.dataset.state = 'down';
    text.textContent = 'Caisse injoignable : vérifiez que comptoir-node est lancé';
  }
}

// ---------- catalogue ----------

let catalogue = { departments: [], products: [], prescribers: [], donors: [] };

async function loadCatalogue() {
  const loaded = await attempt(() => till('GetCatalogue', {}));
  if (!loaded) return;
  catalogue = loaded;
  const ids = $('product-ids');
  ids.replaceChildren(...catalogue.products.filter((p) => !p.withdrawn)
    .map((p) => el('option', { value: p.productId, label: p.name })));
  $('ref-prescriber').replaceChildren(...catalogue.prescribers
    .map((p) => el('option', { value: p.prescriberId, textContent: p.name })));
  $('rcv-donor').replaceChildren(el('option', { value: '', textContent: 'Non renseigné' }),
    ...catalogue.donors.map((d) => el('option', { value: d.donorId, textContent: d.name })));
}

const departmentOf = (code) => catalogue.departments.find((d) => d.code === code);
const donorNamed = (id) => (catalogue.donors.find((d) => d.donorId === id) || {}).name || id;
const productNamed = (id) => (catalogue.products.find((p) => p.productId === id) || {}).name || id;

// ---------- screens ----------

const screens = ['sale', 'families', 'stock', 'transfers', 'workshops'];
const onShow = {};

function showScreen(name) {
  for (const screen of screens) $(`screen-${screen}`).hidden = screen !== name;
  for (const tab of document.querySelectorAll('.tabs button')) {
    if (tab.dataset.screen === name) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  clearMessage();
  if (onShow[name]) onShow[name]();
}

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

async function searchFamilies(event) {
  event.preventDefault();
  clearMessage();
  const query = $('family-query').value.trim();
  if (!query) return;
  const found = await attempt(() => till('SearchFamilies', { query, limit: 20 }));
  if (!found) return;
  const families = found.families || [];
  if (families.length === 0) {
    showError(`Aucune famille trouvée pour « ${query} ».`);
    return;
  }
  const exact = families.find((f) => f.familyId === query.toUpperCase());
  if (exact || families.length === 1) {
    await chooseFamily(exact || families[0]);
    return;
  }
  $('family-results').replaceChildren(...families.map((family) => el('li', {},
    el('button', { type: 'button', textContent: `${family.familyId} — ${family.familyName}` +
      (family.mayShopToday ? '' : ' (pas d\'orientation valable)'),
    onclick: () => chooseFamily(family) }))));
  $('family-results').querySelector('button').focus();
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
async function quoteBasket() {
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

async function addLine(line) {
  const product = line.productId
    ? catalogue.products.find((p) => p.productId === line.productId)
    : catalogue.products.find((p) => p.barcode && p.barcode === line.barcode);
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

async function addProduct(event) {
  event.preventDefault();
  const input = $('product-input');
  const text = input.value.trim();
  const quantity = Math.max(1, Number($('quantity').value) || 1);
  if (!text) {
    if (sale.lines.length > 0) $('payment-method').focus();
    return;
  }
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
  input.value = '';
  $('quantity').value = '1';
  if (!document.activeElement || document.activeElement === document.body ||
      document.activeElement.id === 'add-product') input.focus();
}

function renderBasket() {
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
          if (!(await quoteBasket())) { line.memberId = before; renderBasket(); }
          else clearMessage();
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

function showReceipt(receiptNo, text, voided) {
  sale.receiptNo = receiptNo;
  $('receipt-no').value = receiptNo;
  $('receipt-text').textContent = text;
  $('receipt-text').classList.toggle('voided', voided);
  $('print-receipt').disabled = false;
  $('void-receipt').disabled = voided;
}

async function pay(event) {
  event.preventDefault();
  if ($('pay').disabled) return;
  // One key per basket: a retried click never records the sale twice.
  sale.requestId = sale.requestId || `web-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const request = { ...saleRequest(), requestId: sale.requestId };
  const done = await attempt(() => till('RecordSale', request));
  if (!done) return;
  showReceipt(done.receiptNo, done.receiptText, false);
  showInfo(`Vente enregistrée : ticket ${done.receiptNo}, la famille paie ${euros(done.familyTotalCents)}.` +
    (done.warnings.length ? ` ${done.warnings.join(' ')}` : ''));
  sale.lines = [];
  sale.quote = null;
  sale.requestId = '';
  $('allow-negative').checked = false;
  renderBasket();
  // The family's remaining ceiling changed.
  const family = await attempt(() => till('GetFamily', { familyId: sale.family.familyId }));
  if (family) { sale.family = family; familyCard(family); }
  $('receipt-title').focus();
}

function newSale() {
  sale.family = null;
  sale.lines = [];
  sale.quote = null;
  $('family-card').hidden = true;
  $('family-query').value = '';
  $('receipt-text').textContent = '';
  $('receipt-no').value = '';
  $('print-receipt').disabled = true;
  $('void-receipt').disabled = true;
  for (const id of ['product-input', 'quantity', 'add-product']) $(id).disabled = true;
  renderBasket();
  clearMessage();
  $('family-query').focus();
}

async function findReceipt(event) {
  event.preventDefault();
  const receiptNo = $('receipt-no').value.trim().toUpperCase();
  if (!receiptNo) return;
  const receipt = await attempt(() => till('GetReceipt', { receiptNo }));
  if (receipt) { clearMessage(); showReceipt(receipt.receiptNo, receipt.text, receipt.voided); }
}

function askVoid() {
  $('void-receipt-no').textContent = sale.receiptNo;
  $('void-reason').value = '';
  $('void-dialog').showModal();
  $('void-reason').focus();
}

async function voidClosed() {
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

// ---------- families ----------

function addMemberRow() {
  const box = $('reg-members');
  const n = box.querySelectorAll('.member-row').length + 1;
  const row = el('div', { className: 'member-row' });
  const field = (label, input) => { input.id = `${input.name}-${n}`; return el('div', {}, el('label', { htmlFor: input.id, textContent: label }), input); };
  const sex = el('select', { name: 'member-sex' });
  sex.append(el('option', { value: 'FEMALE', textContent: 'Femme' }), el('option', { value: 'MALE', textContent: 'Homme' }),
    el('option', { value: 'SEX_UNSPECIFIED', textContent: 'Non précisé' }));
  row.append(
    field(`Prénom (personne ${n})`, el('input', { name: 'member-name', required: true })),
    field('Sexe', sex),
    field('Année de naissance', el('input', { name: 'member-year', inputMode: 'numeric', className: 'narrow', required: true })));
  box.append(row);
  return row;
}

async function registerFamily(event) {
  event.preventDefault();
  const members = [...$('reg-members').querySelectorAll('.member-row')].map((row) => ({
    firstName: row.querySelector('[name=member-name]').value.trim(),
    sex: row.querySelector('[name=member-sex]').value,
    birthYear: Number(row.querySelector('[name=member-year]').value),
  }));
  const family = await attempt(() => till('RegisterFamily', {
    familyName: $('reg-name').value.trim(), members,
    householdType: $('reg-household').value,
    incomeSources: [...$('reg-income').querySelectorAll('input:checked')].map((c) => c.value),
    resteAVivreBand: $('reg-band').value, postcode: $('reg-postcode').value.trim(),
  }));
  if (!family) return;
  showInfo(`Foyer ${family.familyName} inscrit : carte ${family.familyId}. Enregistrez maintenant son orientation.`);
  $('register-form').reset();
  $('reg-members').querySelectorAll('.member-row').forEach((row, i) => { if (i > 0) row.remove(); });
  $('ref-family').value = family.familyId;
  $('ref-end').focus();
}

async function grantReferral(event) {
  event.preventDefault();
  const ceilingText = $('ref-ceiling').value.trim();
  const ceiling = ceilingText ? parseEuros(ceilingText) : 0;
  if (ceiling === null) { showError(`Plafond mal écrit : « ${ceilingText} » (par exemple 60 ou 60,50).`); return; }
  const referral = await attempt(() => till('GrantReferral', {
    familyId: $('ref-family').value.trim().toUpperCase(), prescriberId: $('ref-prescriber').value,
    startDay: $('ref-start').value, endDay: $('ref-end').value, monthlyCeilingCents: ceiling,
    project: $('ref-project').value.trim(),
  }));
  if (!referral) return;
  showInfo(`Orientation ${referral.referralId} : famille ${referral.familyId}, du ${frenchDay(referral.startDay)} au ${frenchDay(referral.endDay)}` +
    (Number(referral.monthlyCeilingCents) ? `, plafond ${euros(referral.monthlyCeilingCents)} par mois.` : ', sans plafond.'));
  $('referral-form').reset();
}

// ---------- stock ----------

async function receiveStock(event) {
  event.preventDefault();
  const product = $('rcv-product').value.trim();
  const lot = await attempt(() => till('ReceiveStock', {
    productId: /^\d+$/.test(product) ? '' : product.toUpperCase(), barcode: /^\d+$/.test(product) ? product : '',
    quantity: Number($('rcv-quantity').value), donorId: $('rcv-donor').value,
    lotNumber: $('rcv-lot').value.trim(), expiryKind: $('rcv-kind').value, expiryDay: $('rcv-day').value,
  }));
  if (!lot) return;
  showInfo(`Lot ${lot.lotId} entré en stock : ${productNamed(lot.productId)} × ${lot.quantityReceived}.`);
  $('receive-form').reset();
  await loadStock();
}

const expiryLabel = { DLC: 'DLC', DDM: 'DDM' };

async function loadStock(event) {
  if (event) event.preventDefault();
  const within = Number($('stock-within').value) || 0;
  const report = await attempt(() => till('GetStock', { expiringWithinDays: within }));
  if (!report) return;
  const soon = new Date(Date.now() + 7 * 86400000).toISOString().slice(0, 10);
  $('stock-lines').replaceChildren(...report.products.map((level) => el('tr', {},
    el('td', { textContent: `${level.product.name} (${level.product.productId})` }),
    el('td', { textContent: String(level.quantity) }),
    el('td', {}, ...level.lots.map((lot) => el('div', {
      className: lot.expiryDay && lot.expiryDay <= soon ? 'soon' : '',
      textContent: `${lot.lotId} : ${lot.remaining}` +
        (lot.expiryDay ? `, ${expiryLabel[lot.expiryKind] || ''} ${frenchDay(lot.expiryDay)}` : '') +
        (lot.expiryDay && lot.expiryDay <= soon ? ' (date proche)' : '') +
        (lot.donorId ? `, don ${donorNamed(lot.donorId)}` : ''),
    }))))));
  if (report.products.length === 0) {
    $('stock-lines').replaceChildren(el('tr', {}, el('td', { colSpan: 3, textContent: 'Aucun article.' })));
  }
}

// ---------- transfers ----------

const transferState = { PROPOSED: 'proposé', ACCEPTED: 'accepté', DECLINED: 'refusé',
  CANCELLED: 'annulé', SHIPPED: 'expédié', RECEIVED: 'reçu' };

async function transferAction(method, request, done) {
  const view = await attempt(() => till(method, request));
  if (!view) return;
  showInfo(`Transfert ${view.transferId} : ${done}.`);
  await loadTransfers();
}

function transferButtons(t) {
  const buttons = [];
  const button = (text, action) => el('button', { type: 'button', textContent: text, onclick: action });
  const ask = (question) => window.prompt(question) || '';
  const other = t.proposedBy === t.source ? t.destination : t.source;
  if (t.state === 'PROPOSED' && site === other) {
    buttons.push(button('Accepter', () => transferAction('AnswerTransfer', { transferId: t.transferId, accept: true }, 'accepté')));
    buttons.push(button('Refuser…', () => {
      const reason = ask('Motif du refus ?');
      if (reason) transferAction('AnswerTransfer', { transferId: t.transferId, accept: false, reason }, 'refusé');
    }));
  }
  if (t.state === 'ACCEPTED' && site === t.source) {
    buttons.push(button('Expédier', () => transferAction('ShipTransfer', { transferId: t.transferId }, 'expédié')));
  }
  if (t.state === 'SHIPPED' && site === t.destination) {
    buttons.push(button('Tout est arrivé', () => transferAction('ReceiveTransfer', { transferId: t.transferId }, 'reçu')));
  }
  if (t.state === 'PROPOSED' || t.state === 'ACCEPTED') {
    buttons.push(button('Annuler…', () => {
      const reason = ask('Motif de l\'annulation ?');
      if (reason) transferAction('CancelTransfer', { transferId: t.transferId, reason }, 'annulé');
    }));
  }
  return buttons;
}

async function loadTransfers() {
  const list = await attempt(() => till('ListTransfers', { site }));
  if (!list) return;
  $('transfer-lines').replaceChildren(...list.transfers.map((t) => el('tr', {},
    el('td', { textContent: t.transferId }),
    el('td', { textContent: `${t.source} → ${t.destination}` }),
    el('td', { textContent: t.items.map((i) => `${productNamed(i.productId)} × ${i.quantity}`).join(', ') }),
    el('td', { textContent: transferState[t.state] || t.state }),
    el('td', {}, ...transferButtons(t)))));
  if (list.transfers.length === 0) {
    $('transfer-lines').replaceChildren(el('tr', {}, el('td', { colSpan: 5, textContent: 'Aucun transfert.' })));
  }
}

async function proposeTransfer(event) {
  event.preventDefault();
  await transferAction('ProposeTransfer', {
    kind: $('tr-kind').value, otherSite: $('tr-site').value,
    items: [{ productId: $('tr-product').value.trim().toUpperCase(), quantity: Number($('tr-quantity').value) }],
  }, 'proposé');
}

// ---------- workshops ----------

async function loadWorkshops() {
  const list = await attempt(() => till('ListWorkshops', {}));
  if (!list) return;
  $('seat-workshop').replaceChildren(...list.workshops.map((w) =>
    el('option', { value: w.workshopId, textContent: `${w.theme} — ${frenchDay(w.day)} (${w.workshopId})` })));
  const attendance = (w, seat, attended) => attempt(async () => {
    await till('RecordAttendance', { workshopId: w.workshopId, familyId: seat.familyId, memberId: seat.memberId, attended });
    showInfo(`${attended ? 'Présence' : 'Absence'} notée.`);
    await loadWorkshops();
  });
  $('workshop-lines').replaceChildren(...list.workshops.map((w) => el('tr', {},
    el('td', { textContent: `${w.theme} (${w.workshopId})` }),
    el('td', { textContent: frenchDay(w.day) }),
    el('td', { textContent: `${w.seats.length} / ${w.places}` }),
    el('td', {}, ...w.seats.map((seat) => el('div', { className: 'row' },
      el('span', { textContent: `${seat.familyId} personne ${seat.memberId} : ` +
        (seat.attended === undefined ? 'inscrite' : seat.attended ? 'présente' : 'absente') }),
      el('button', { type: 'button', textContent: 'Présent', onclick: () => attendance(w, seat, true) }),
      el('button', { type: 'button', textContent: 'Absent', onclick: () => attendance(w, seat, false) })))))));
}

async function scheduleWorkshop(event) {
  event.preventDefault();
  const w = await attempt(() => till('ScheduleWorkshop', {
    theme: $('ws-theme').value.trim(), day: $('ws-day').value, places: Number($('ws-places').value) }));
  if (!w) return;
  showInfo(`Atelier ${w.workshopId} programmé le ${frenchDay(w.day)}.`);
  $('schedule-form').reset();
  await loadWorkshops();
}

async function registerSeat(event) {
  event.preventDefault();
  const w = await attempt(() => till('RegisterForWorkshop', {
    workshopId: $('seat-workshop').value, familyId: $('seat-family').value.trim().toUpperCase(),
    memberId: Number($('seat-member').value) }));
  if (!w) return;
  showInfo(`Inscription notée à l'atelier ${w.workshopId}.`);
  await loadWorkshops();
}

// ---------- start ----------

function start() {
  for (const tab of document.querySelectorAll('.tabs button')) tab.onclick = () => showScreen(tab.dataset.screen);
  $('family-form').onsubmit = searchFamilies;
  $('product-form').onsubmit = addProduct;
  $('pay-form').onsubmit = pay;
  $('allow-negative').onchange = () => quoteBasket();
  $('receipt-form').onsubmit = findReceipt;
  $('print-receipt').onclick = () => window.print();
  $('void-receipt').onclick = askVoid;
  $('void-dialog').onclose = voidClosed;
  $('new-sale').onclick = newSale;
  $('reg-add-member').onclick = () => addMemberRow().querySelector('input').focus();
  $('register-form').onsubmit = registerFamily;
  $('referral-form').onsubmit = grantReferral;
  $('receive-form').onsubmit = receiveStock;
  $('stock-filter').onsubmit = loadStock;
  $('propose-form').onsubmit = proposeTransfer;
  $('schedule-form').onsubmit = scheduleWorkshop;
  $('seat-form').onsubmit = registerSeat;
  onShow.sale = loadCatalogue;
  onShow.stock = () => { loadCatalogue(); loadStock(); };
  onShow.families = loadCatalogue;
  onShow.transfers = () => { loadCatalogue(); loadTransfers(); };
  onShow.workshops = loadWorkshops;
  addMemberRow();
  refreshConnection();
  setInterval(refreshConnection, 1000);
  loadCatalogue();
  renderBasket();
  $('family-query').focus();
}

document.addEventListener('DOMContentLoaded', start);
