// The web till on a centre's network: the node's web till listens on every
// address (0.0.0.0) over HTTPS, with a certificate of deploy/make-certs.sh for
// the name the counters' PCs type, caisse.hem.test (chromium is told that
// name is 127.0.0.1). A volunteer logs in by that name; the same page reached
// by another name is refused. Chromium does not know the network's CA, so it
// is told to accept the certificate: lan_till_test.cc checks it.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { Network } = require('./daemons');
const { openBrowser } = require('./browser');
const { logIn, text } = require('./shop');

const NAME = 'caisse.hem.test';
const MAKE_CERTS = path.join(__dirname, '..', '..', 'deploy', 'make-certs.sh');

test('a counter reaches the till on the LAN by its name over HTTPS, and by no other', async (t) => {
  const network = new Network();
  t.after(() => network.stop());
  const certs = path.join(network.dir, 'certs');
  execFileSync(MAKE_CERTS, [certs, 'web-hem'],
    { env: { ...process.env, COMPTOIR_WEB_NAMES: NAME }, encoding: 'utf8' });
  await network.startHub();
  const { webAddress } = await network.startNode('hem', {
    httpListen: '0.0.0.0:0',
    webScheme: 'https',
    webArgs: ['--http-tls-cert', path.join(certs, 'web-hem.crt'),
      '--http-tls-key', path.join(certs, 'web-hem.key'), '--http-name', NAME],
  });
  const port = webAddress.slice(webAddress.lastIndexOf(':') + 1);
  const browser = await openBrowser({
    args: [`--host-resolver-rules=MAP ${NAME} 127.0.0.1`], ignoreHTTPSErrors: true,
  });
  t.after(() => browser.close());
  const { page } = browser;

  await logIn(page, `https://${NAME}:${port}/`, 'victor');
  assert.match(await text(page, '#who-text'), /^victor /);
  const cookies = await browser.context.cookies(`https://${NAME}:${port}/`);
  assert.deepEqual(cookies.map((c) => [c.name, c.secure, c.httpOnly]), [['comptoir_hem', true, true]]);

  const other = await page.goto(`https://127.0.0.1:${port}/`);
  assert.equal(other.status(), 403);
  assert.match(await other.text(), /Adresse non reconnue.*caisse\.hem\.test/);
});
