// Comptoir web till: the screens and their wiring. The API, formatting and
// messages are in common.js; each screen in its own module.
import { $, call, clearMessage, loadCatalogue, onSessionEnded, setSession } from './common.js';
import { refreshConnection } from './connection.js';
import { addProduct, askVoid, checkVoid, findReceipt, firstSaleField, newSale, pay, searchFamilies,
  voidClosed } from './sale.js';
import { quoteBasket, renderBasket } from './basket.js';
import { refreshReceipts } from './receipts.js';
import { addMemberRow, grantReferral, loadStock, loadWorkshops, prepareNotice, registerFamily, registerSeat,
  scheduleWorkshop } from './backoffice.js';
import { kindChanged, loadTransfers, proposeTransfer, shipClosed } from './transfers.js';
import { prepareDonation, receiveStock } from './donation.js';
import { installFrenchForms } from './forms.js';
import { addEditMember, closeReferralForms, endReferral, openFamily, prepareFamilyEdit,
  removeLastEditMember, renewReferral, saveFamily } from './family_edit.js';
import { adjustStock, loadAdjustLots, reasonChanged } from './stock_adjust.js';
import { closeArrival, recordArrival } from './arrival.js';
import { loadSurplus, markSurplus, setMinimum } from './surplus.js';
import { loadDonors } from './donors.js';
import { changeOwnPassword, createAccount, loadAccounts, loadAudit, mayManage } from './people.js';

// ---------- screens ----------

const screens = ['sale', 'families', 'stock', 'transfers', 'surplus', 'donors', 'workshops', 'people'];
const onShow = {};

function showScreen(name) {
  for (const screen of screens) $(`screen-${screen}`).hidden = screen !== name;
  for (const tab of document.querySelectorAll('.tabs button')) {
    if (tab.dataset.screen === name) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  clearMessage();
  if (onShow[name]) onShow[name]();
  // The focus goes where the screen's work starts, never to the page.
  // A screen without a form: its title, for a screen reader to start from.
  const screen = $(`screen-${name}`);
  const first = name === 'sale' ? firstSaleField()
    : [...screen.querySelectorAll('input:not([disabled]):not([type="checkbox"]), select:not([disabled])')]
      .find((field) => field.offsetParent !== null) || screen.querySelector('h2');
  if (first.tagName === 'H2') first.tabIndex = -1;
  first.focus();
}

// ---------- who is at the till ----------

let account = null;      // the account logged in, null before
let refresher = null;    // the connection indicator's timer

// The login page, with `message` (why) if any. Nothing of the till shows.
function showLogin(message) {
  if (refresher) clearInterval(refresher);
  refresher = null;
  setSession('');
  $('app').hidden = true;
  $('who').hidden = true;
  $('login-screen').hidden = false;
  $('login-error').textContent = message || '';
  $('login-error').hidden = !message;
  $('login-password').value = '';
  $('login-name').focus();
}

// The till, for the person whose session this is: their login and role
// shown in the header, the sale screen first.
function enter(session) {
  const before = account;
  account = session.account;
  setSession(session.csrfToken);
  $('who-text').textContent = `${account.login} (${account.roleName})`;
  document.body.dataset.role = account.role;
  $('who').hidden = false;
  for (const panel of document.querySelectorAll('.coordinators')) panel.hidden = !mayManage(account);
  $('login-screen').hidden = true;
  $('app').hidden = false;
  // Another person at the till starts from an empty sale.
  if (before && before.accountId !== account.accountId) newSale();
  showScreen('sale');
  refreshConnection();
  if (!refresher) refresher = setInterval(refreshConnection, 1000);
  loadCatalogue();
  renderBasket();
  $('family-query').focus();
}

async function logIn(event) {
  event.preventDefault();
  $('login-submit').disabled = true;
  try {
    enter(await call('AccountService', 'LogIn',
      { login: $('login-name').value.trim(), password: $('login-password').value }));
  } catch (error) {
    $('login-password').value = '';
    $('login-error').textContent = error.message;
    $('login-error').hidden = false;
    $('login-password').focus();
  } finally {
    $('login-submit').disabled = false;
  }
}

async function logOut() {
  await call('AccountService', 'LogOut', {}).catch(() => {});
  // A fresh page: nothing of this person's work stays on screen.
  window.location.reload();
}

// ---------- start ----------

async function start() {
  // French validation for every form but the sale's (the sale screen checks its own).
  installFrenchForms(document, { except: ['family-form', 'product-form', 'pay-form', 'void-form'] });
  $('login-form').onsubmit = logIn;
  $('log-out').onclick = logOut;
  onSessionEnded((message) => showLogin(message || 'Session terminée : reconnectez-vous.'));
  for (const tab of document.querySelectorAll('.tabs button')) tab.onclick = () => showScreen(tab.dataset.screen);
  $('family-form').onsubmit = searchFamilies;
  $('product-form').onsubmit = addProduct;
  // Today's receipts follow each sale and each void.
  $('pay-form').onsubmit = async (event) => { await pay(event); refreshReceipts(); };
  // Entrée on the payment method pays (the method is usually the one shown).
  $('payment-method').onkeydown = (event) => {
    if (event.key === 'Enter') { event.preventDefault(); $('pay-form').requestSubmit(); }
  };
  $('allow-negative').onchange = () => quoteBasket();
  $('receipt-form').onsubmit = findReceipt;
  $('print-receipt').onclick = () => window.print();
  $('void-receipt').onclick = askVoid;
  $('void-dialog').onclose = async () => { await voidClosed(); refreshReceipts(); };
  $('void-form').onsubmit = checkVoid;
  $('new-sale').onclick = newSale;
  $('reg-add-member').onclick = () => addMemberRow().querySelector('input').focus();
  $('register-form').onsubmit = registerFamily;
  prepareNotice();
  $('referral-form').onsubmit = grantReferral;
  $('receive-form').onsubmit = (event) => receiveStock(event, loadStock);
  prepareDonation();
  $('stock-filter').onsubmit = loadStock;
  $('edit-find-form').onsubmit = openFamily;
  $('edit-form').onsubmit = saveFamily;
  $('edit-add-member').onclick = addEditMember;
  $('edit-remove-member').onclick = removeLastEditMember;
  $('renew-form').onsubmit = renewReferral;
  $('end-form').onsubmit = endReferral;
  for (const button of document.querySelectorAll('#referrals-panel .close-form')) button.onclick = closeReferralForms;
  $('adjust-form').onsubmit = (event) => adjustStock(event, loadStock);
  $('adj-product').onchange = () => loadAdjustLots();
  $('adj-reason').onchange = reasonChanged;
  $('propose-form').onsubmit = proposeTransfer;
  $('tr-kind').onchange = kindChanged;
  $('ship-dialog').onclose = shipClosed;
  $('arrival-form').onsubmit = recordArrival;
  $('arrival-close').onclick = closeArrival;
  $('mark-form').onsubmit = markSurplus;
  $('minimum-form').onsubmit = setMinimum;
  $('schedule-form').onsubmit = scheduleWorkshop;
  $('seat-form').onsubmit = registerSeat;
  onShow.sale = () => { loadCatalogue(); refreshReceipts(); };
  onShow.stock = () => { loadCatalogue(); loadStock(); };
  onShow.families = loadCatalogue;
  // Both name the centres from the catalogue: read it first.
  onShow.transfers = async () => { await loadCatalogue(); loadTransfers(); };
  onShow.surplus = async () => { await loadCatalogue(); loadSurplus(); };
  onShow.donors = async () => { await loadCatalogue(); loadDonors(); };
  onShow.workshops = loadWorkshops;
  onShow.people = () => { if (mayManage(account)) { loadAudit(); loadAccounts(); } };
  $('audit-form').onsubmit = loadAudit;
  $('account-form').onsubmit = createAccount;
  $('password-form').onsubmit = changeOwnPassword;
  prepareFamilyEdit();
  addMemberRow();
  try {
    enter(await call('AccountService', 'GetSession', {}));
  } catch (error) {
    showLogin(error.code === 'UNAUTHENTICATED' ? '' : error.message);
  }
}

document.addEventListener('DOMContentLoaded', start);
