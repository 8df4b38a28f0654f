// "Comptes et journal": the centre's accounts and the audit trail, for
// coordinators; one's own password, for everyone. The node checks every
// call against the caller's role: this screen only hides what would be refused.
import { $, attempt, call, el, showInfo } from './common.js';
import { dayOf } from './forms.js';

const accounts = (method, request) => call('AccountService', method, request);

// Whether `account` (the one logged in) sees the coordinators' panels.
export function mayManage(account) {
  return account && ['COORDINATOR', 'HEAD_OFFICE'].includes(account.role);
}

export async function loadAudit(event) {
  if (event) event.preventDefault();
  const audit = await attempt(() => accounts('ListAudit', {
    fromDay: dayOf($('audit-from')) || '', toDay: dayOf($('audit-to')) || '', all: $('audit-all').checked,
  }));
  if (!audit) return;
  const lines = audit.entries.map((entry) => el('tr', {},
    el('td', { textContent: entry.when }), el('td', { textContent: entry.login }),
    el('td', { textContent: entry.what })));
  if (lines.length === 0) {
    lines.push(el('tr', {}, el('td', { colSpan: 3, textContent: 'Rien dans le journal pour ces dates.' })));
  }
  $('audit-lines').replaceChildren(...lines);
}

async function setDisabled(account, disabled) {
  const changed = await attempt(() => accounts('ChangeAccount', { accountId: account.accountId, disabled }));
  if (!changed) return;
  showInfo(`Compte ${changed.login} ${disabled ? 'désactivé' : 'réactivé'}.`);
  await loadAccounts();
  // The list is drawn anew: the focus goes back to the same account's button.
  const again = $('account-lines').querySelector(`[data-account="${account.accountId}"]`);
  if (again) again.focus();
}

export async function loadAccounts() {
  const list = await attempt(() => accounts('ListAccounts', {}));
  if (!list) return;
  const button = (account) => {
    const action = el('button', { type: 'button', textContent: account.disabled ? 'Réactiver' : 'Désactiver',
      onclick: () => setDisabled(account, !account.disabled) });
    action.dataset.account = account.accountId;
    return action;
  };
  $('account-lines').replaceChildren(...list.accounts.map((account) => el('tr', {},
    el('td', { textContent: account.login }), el('td', { textContent: account.roleName }),
    el('td', { textContent: account.disabled ? 'désactivé' : 'actif' }),
    el('td', {}, button(account)))));
}

export async function createAccount(event) {
  event.preventDefault();
  const created = await attempt(() => accounts('CreateAccount', {
    login: $('acc-login').value.trim(), role: $('acc-role').value, password: $('acc-password').value,
  }));
  if (!created) return;
  showInfo(`Compte ${created.login} créé (${created.roleName}). Donnez-lui son mot de passe ; il pourra le changer.`);
  $('account-form').reset();
  $('acc-login').focus();  // the next account
  loadAccounts();
  loadAudit();
}

export async function changeOwnPassword(event) {
  event.preventDefault();  // both typed the same: forms.js checked it (data-same-as)
  const changed = await attempt(() => accounts('SetPassword', { password: $('pw-new').value }));
  if (!changed) return;
  $('password-form').reset();
  document.querySelector('.tabs [data-screen=sale]').focus();  // back to work
  showInfo('Mot de passe changé : il servira à votre prochaine connexion.');
}
