// Shared by the web till's screens: the API of this centre's node, French
// formatting, the message line and the catalogue. Every call goes to the
// centre's own node (never to the hub), as the gRPC services' messages in the
// protobuf JSON mapping: POST /api/TillService/<Rpc>, body = request, answer =
// response; a refusal answers {code, message}, the message for the volunteer.

import { frenchDayText } from './forms.js';

export const $ = (id) => document.getElementById(id);

// ---------- API ----------


export class ApiError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}

// The session: the cookie (HttpOnly, sent by the browser) proves who is at the
// till; every call also carries the session's CSRF token, which a page of
// another site cannot know. When the session ends (logged out elsewhere,
// expired, account disabled), onSessionEnded is called.
let csrfToken = '';
let sessionEnded = () => {};
export function setSession(token) { csrfToken = token || ''; }
export function onSessionEnded(handler) { sessionEnded = handler; }

export async function call(service, method, request) {
  let response;
  try {
    response = await fetch(`/api/${service}/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Comptoir-Csrf': csrfToken },
      body: JSON.stringify(request || {}),
    });
  } catch (e) {
    throw new ApiError('UNAVAILABLE', 'La caisse ne répond pas (le programme comptoir-node est-il lancé ?).');
  }
  const body = await response.json().catch(() => ({}));
  if (response.status === 401 && method !== 'LogIn' && method !== 'GetSession') sessionEnded(body.message);
  if (!response.ok) throw new ApiError(body.code || 'UNKNOWN', body.message || `Erreur ${response.status}`);
  return body;
}
export const till = (method, request) => call('TillService', method, request);

// ---------- formatting (French) ----------

export { euros } from './format.js';

// "60", "60,5", "60.50", "60 €" as cents; null if not an amount.
export function parseEuros(text) {
  const clean = text.replace(/€/g, '').replace(/\s/g, '').replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(clean)) return null;
  const [whole, fraction = ''] = clean.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

// A lot's date as the volunteer reads it: "DLC 25/11/2026", "DDM 01/02/2027"; '' without one.
export function expiryText(kind, day) {
  if (!day) return '';
  return `${{ DLC: 'DLC', DDM: 'DDM' }[kind] || ''} ${frenchDay(day)}`.trim();
}

// A monthly ceiling typed in euros, as cents (0 when empty). A mistyped one is
// explained on the message line and gives null.
export function ceilingCents(text) {
  if (!text) return 0;
  const cents = parseEuros(text);
  if (cents === null) showError(`Plafond mal écrit : « ${text} » (par exemple 60 ou 60,50).`);
  return cents;
}

// "2026-11-25" as "25/11/2026" (forms.js reads days typed that way).
export const frenchDay = frenchDayText;

export function hourMinute(unixMs) {
  return new Date(Number(unixMs)).toLocaleTimeString('fr-FR',
    { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris' });
}

export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const child of children) node.append(child);
  return node;
}

// ---------- messages ----------

// Replaces a <select>'s options, keeping what the volunteer chose if it is
// still offered: lists reload each time a screen is shown, and a choice must
// not silently change under a form being filled in.
export function replaceOptions(select, ...options) {
  const chosen = select.value;
  select.replaceChildren(...options);
  if (options.some((option) => option.value === chosen)) select.value = chosen;
}

// The message line goes where the volunteer is working: at the end of the
// panel that holds `near` (by default the element with the focus), inside an
// open dialog if there is one, at the top of the screen otherwise. It is one
// element (role=alert), so screen readers announce it wherever it is.
// One element, kept here: a screen that redraws a panel may detach it.
let messageBox = null;
const theMessage = () => { messageBox = messageBox || $('message'); return messageBox; };

function placeMessage(box, near) {
  const dialog = document.querySelector('dialog[open]');
  const panel = near && near.closest ? near.closest('.panel') : null;
  if (dialog) dialog.firstElementChild.append(box);
  else if (panel) panel.append(box);
  else $('message-home').after(box);
}

export function showMessage(text, kind, near) {
  const box = theMessage();
  placeMessage(box, near || document.activeElement);
  box.textContent = text;
  box.className = `message ${kind}`;
  box.hidden = false;
  box.scrollIntoView({ block: 'nearest' });
}
export const showError = (error, near) => showMessage(error.message || String(error), 'error', near);
export const showInfo = (text, near) => showMessage(text, 'info', near);
export function clearMessage() { theMessage().hidden = true; }

// Runs an action of a form; shows its refusal. Returns its result or undefined.
export async function attempt(action) {
  try {
    return await action();
  } catch (error) {
    showError(error);
    return undefined;
  }
}

// ---------- catalogue ----------

export let catalogue = { departments: [], products: [], prescribers: [], donors: [] };

export async function loadCatalogue() {
  const loaded = await attempt(() => till('GetCatalogue', {}));
  if (!loaded) return;
  catalogue = loaded;
  const ids = $('product-ids');
  ids.replaceChildren(...catalogue.products.filter((p) => !p.withdrawn)
    .map((p) => el('option', { value: p.productId, label: p.name })));
  replaceOptions($('ref-prescriber'), ...catalogue.prescribers
    .map((p) => el('option', { value: p.prescriberId, textContent: p.name })));
  // No donor is assumed: the volunteer chooses one, "Non renseigné" only on purpose.
  replaceOptions($('rcv-donor'), el('option', { value: '', textContent: 'Choisir le donateur…' }),
    ...catalogue.donors.map((d) => el('option', { value: d.donorId, textContent: d.name })),
    el('option', { value: NO_DONOR, textContent: 'Non renseigné' }));
}

// The donor choice "Non renseigné" (sent as no donor).
export const NO_DONOR = '-';

export const departmentOf = (code) => catalogue.departments.find((d) => d.code === code);
export const donorNamed = (id) => (catalogue.donors.find((d) => d.donorId === id) || {}).name || id;
export const productNamed = (id) => (catalogue.products.find((p) => p.productId === id) || {}).name || id;
// "Armentières" for "armentieres": the centre's name as the node gives it, else the id with a capital.
export const centreNamed = (id) => ((catalogue.centres || []).find((c) => c.site === id) || {}).name ||
  id.charAt(0).toUpperCase() + id.slice(1);
