// Comptoir web till: the screens and their wiring. The API, formatting and
// messages are in common.js; each screen in its own module.
import { $, clearMessage, loadCatalogue } from './common.js';
import { refreshConnection } from './connection.js';
import { addProduct, askVoid, findReceipt, newSale, pay, quoteBasket, renderBasket, searchFamilies,
  voidClosed } from './sale.js';
import { addMemberRow, grantReferral, loadStock, loadTransfers, loadWorkshops, proposeTransfer,
  receiveStock, registerFamily, registerSeat, scheduleWorkshop } from './backoffice.js';

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
