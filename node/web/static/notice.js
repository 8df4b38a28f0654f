// The information notice page (notice.html): shows the version given today
// (notice_version.js) and prints itself when the till opens it to print
// (/notice.html?imprimer).
import { NOTICE_VERSION } from './notice_version.js';

document.getElementById('notice-version').textContent = NOTICE_VERSION;
document.getElementById('notice-print').onclick = () => window.print();
if (new URLSearchParams(window.location.search).has('imprimer')) window.print();
