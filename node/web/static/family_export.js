// A household's right of access (GDPR Article 15) in the web till: the
// button of the Familles screen, for coordinators and head office only (the
// node refuses anyone else, whatever the page shows), and the page it opens
// (family_export.html), which shows the node's own document (ExportFamily,
// rendered by the node: one renderer for the command line and the till),
// prints it and offers the same data as JSON. Nothing is kept by the browser
// but that page: the household's data is not cached in the till's screens.
import { $, attempt, call, frenchDay, setSession, showError, showInfo, till } from './common.js';

const mayExport = () => ['COORDINATOR', 'HEAD_OFFICE'].includes(document.body.dataset.role);

// The Familles screen, once a household is opened: the buttons, when the
// person at the till may use them. `shown(family)` shows it again once erased.
export function showFamilyExport(family, shown) {
  $('export-panel').hidden = !mayExport();
  $('family-export').onclick = () => window.open(
    `/family_export.html#${encodeURIComponent(family.familyId)}`, '_blank', 'noopener');
  // The right to erasure (GDPR Article 17): the card number typed again
  // confirms it, since nothing brings the names back.
  const erased = Boolean(family.erasedDay);
  $('erased-note').hidden = !erased;
  $('erased-note').textContent = erased
    ? `Données personnelles effacées le ${frenchDay(family.erasedDay)} : noms, prénoms et textes saisis.` : '';
  $('erase-form').hidden = erased;
  $('erase-confirm').value = '';
  $('erase-form').onsubmit = async (event) => {
    event.preventDefault();
    if ($('erase-confirm').value.trim().toUpperCase() !== family.familyId) {
      showError(new Error(`Pour effacer, tapez le numéro de carte ${family.familyId}.`), $('erase-confirm'));
      $('erase-confirm').focus();
      return;
    }
    const updated = await attempt(() => till('EraseFamily', { familyId: family.familyId }));
    if (!updated) return;
    shown(updated);
    showInfo(`Données personnelles du foyer ${updated.familyId} effacées ; les autres centres et le siège les effacent dès qu'ils reçoivent l'effacement.`, $('erased-note'));
    $('erased-note').focus();
  };
}

// The page: this session's token (the cookie is the browser's), then the
// document and the JSON.
async function showExportPage() {
  const card = decodeURIComponent(window.location.hash.slice(1));
  const status = $('export-status');
  try {
    setSession((await call('AccountService', 'GetSession', {})).csrfToken);
    const held = await till('ExportFamily', { familyId: card, html: true });
    const page = new DOMParser().parseFromString(held.html, 'text/html');
    document.title = page.title;
    $('export-document').replaceChildren(...[...page.body.children].map((node) => document.importNode(node, true)));
    delete held.html;
    const json = $('export-json');
    json.href = URL.createObjectURL(new Blob([JSON.stringify(held, null, 2)], { type: 'application/json' }));
    json.download = `foyer-${held.familyId}.json`;
    json.hidden = false;
    $('export-print').disabled = false;
    $('export-print').onclick = () => window.print();
    status.textContent = 'Ce document contient des données personnelles : remettez-le au foyer, '
      + 'sans en garder de copie.';
  } catch (error) {
    status.textContent = error.code === 'UNAUTHENTICATED'
      ? 'Connexion requise : identifiez-vous dans la caisse, puis recommencez.' : error.message;
    status.className = 'erased';
  }
}

if ($('export-document')) showExportPage();
