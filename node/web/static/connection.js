// The connection indicator, always visible: connected to the hub or offline
// since HH:MM, and how many records wait to be sent. It reads the node's own
// state only (NodeService.GetSyncStatus), whatever the hub does.
import { $, call, centreNamed, hourMinute } from './common.js';

// ---------- connection indicator ----------

export let site = '';

export async function refreshConnection() {
  const box = $('connection');
  const text = $('connection-text');
  try {
    const status = await call('NodeService', 'GetSyncStatus', {});
    site = status.site;
    $('site-name').textContent = `— ${centreNamed(status.site)}`;
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
