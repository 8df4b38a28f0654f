// Real comptoir-hub and comptoir-node processes for the browser
// tests, on ports chosen at run time (port 0 + ready files), each stopped by
// the test that started it. Binaries come from the environment (set by ctest):
// COMPTOIR_HUB_BIN, COMPTOIR_NODE_BIN, COMPTOIR_CLI_BIN.
'use strict';

const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function binary(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run these tests through ctest)`);
  return value;
}

// Polls `condition` every 20 ms until it returns a truthy value, or throws
// after `timeoutMs` with `what` (or what `what()` returns then) in the message.
// Never a fixed sleep.
async function waitFor(what, condition, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

class Daemon {
  constructor(name, argv, dir) {
    this.name = name;
    this.argv = argv;
    this.log = path.join(dir, `${name}.log`);
    this.child = null;
  }

  async start(readyFiles) {
    for (const file of readyFiles) fs.rmSync(file, { force: true });
    const out = fs.openSync(this.log, 'a');
    this.child = spawn(this.argv[0], this.argv.slice(1), { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    const child = this.child;
    let exited = false;
    child.once('exit', () => { exited = true; });
    const addresses = [];
    for (const file of readyFiles) {
      addresses.push(await waitFor(`${this.name} to listen (${this.log})`, () => {
        if (exited) throw new Error(`${this.name} exited at start:\n${fs.readFileSync(this.log, 'utf8')}`);
        return fs.existsSync(file) && fs.readFileSync(file, 'utf8').trim();
      }));
    }
    return addresses;
  }

  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    this.child = null;
  }
}

// A temporary network: one hub and any number of centres.
class Network {
  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'comptoir-web-'));
    this.daemons = [];
  }

  // Starts the hub and its dashboard; `listen` defaults to any free port.
  // Returns its gRPC address; `dashboard` is then the dashboard's base URL.
  async startHub(listen = '127.0.0.1:0') {
    const ready = path.join(this.dir, 'hub.addr');
    const webReady = path.join(this.dir, 'hub.web');
    if (!this.hub) {
      this.hub = new Daemon('hub', [binary('COMPTOIR_HUB_BIN'), '--data', path.join(this.dir, 'hub'),
        '--listen', listen, '--ready-file', ready,
        '--http-listen', '127.0.0.1:0', '--http-ready-file', webReady], this.dir);
      this.daemons.push(this.hub);
    }
    this.hub.argv[this.hub.argv.indexOf('--listen') + 1] = listen;
    let web;
    [this.hubAddress, web] = await this.hub.start([ready, webReady]);
    this.dashboard = `http://${web}`;
    // Head office's administrator, through the hub's socket; claire is head office.
    this.hubAdmin = `unix:${path.join(this.dir, 'hub', 'comptoir.sock')}`;
    if (!this.cli('--hub', this.hubAdmin, 'hub', 'account', 'list').includes('claire')) {
      this.cli('--hub', this.hubAdmin, 'hub', 'account', 'create', '--login', 'claire',
        '--role', 'head-office', '--password-file', this.passwordFile());
    }
    defaultLogins.set(this.dashboard, 'claire');
    return this.hubAddress;
  }

  // Starts a centre syncing with the hub; returns {grpc, web} addresses
  // (`webAddress`: the web till's bound address, "0.0.0.0:8401").
  // `options.httpListen`: where its web till listens (any free loopback port);
  // `options.webArgs`: more of its options (--http-tls-cert ...), served then
  // over `options.webScheme`.
  async startNode(site, { httpListen = '127.0.0.1:0', webArgs = [], webScheme = 'http' } = {}) {
    const grpcReady = path.join(this.dir, `${site}.addr`);
    const webReady = path.join(this.dir, `${site}.web`);
    const node = new Daemon(site, [binary('COMPTOIR_NODE_BIN'), '--site', site,
      '--data', path.join(this.dir, site), '--listen', '127.0.0.1:0', '--hub', this.hubAddress,
      '--http-listen', httpListen, ...webArgs, '--http-ready-file', webReady,
      '--ready-file', grpcReady], this.dir);
    this.daemons.push(node);
    const [grpc, web] = await node.start([grpcReady, webReady]);
    // Its people: created by the machine's administrator, through the node's socket.
    const admin = `unix:${path.join(this.dir, site, 'comptoir.sock')}`;
    if (!this.cli('--node', admin, 'account', 'list').includes('coline')) {
      for (const [login, role] of [['coline', 'coordinator'], ['victor', 'volunteer']]) {
        this.cli('--node', admin, 'account', 'create', '--login', login, '--role', role,
          '--password-file', this.passwordFile());
      }
    }
    defaultLogins.set(`${webScheme}://${web}`, 'coline');
    return { grpc, web: `${webScheme}://${web}`, webAddress: web, daemon: node, admin };
  }

  // A file holding PASSWORD, for the CLI.
  passwordFile() {
    const file = path.join(this.dir, 'password');
    fs.writeFileSync(file, `${PASSWORD}\n`, { mode: 0o600 });
    return file;
  }

  // Runs the comptoir CLI; returns its stdout, throws on failure.
  cli(...args) {
    return execFileSync(binary('COMPTOIR_CLI_BIN'), args, { encoding: 'utf8' });
  }

  async stop() {
    for (const daemon of this.daemons.reverse()) await daemon.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

// The password of every account the tests create: coline (coordinator) and
// victor (volunteer) at each centre.
const PASSWORD = 'mot de passe des essais';

// Sessions of the web pages' API, by base URL: {cookie, csrf}; and who logs
// in there when a test does not say (the centre's coordinator, head office).
const sessions = new Map();
const defaultLogins = new Map();

// Logs in at a web till's API as `login`; later api() calls there are theirs.
async function logInApi(base, login) {
  const response = await fetch(`${base}/api/AccountService/LogIn`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login, password: PASSWORD }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`LogIn ${login}: ${body.code} ${body.message}`);
  const cookie = response.headers.get('set-cookie').split(';')[0];
  sessions.set(base, { cookie, csrf: body.csrfToken });
  return body;
}

// Calls a web page's JSON API (the web till's, the dashboard's) the way the
// page does: a web till as its coordinator, coline, the dashboard as head
// office, claire, unless logInApi chose another.
async function api(base, service, method, request) {
  if (!sessions.has(base) && defaultLogins.has(base)) await logInApi(base, defaultLogins.get(base));
  const session = sessions.get(base);
  const headers = { 'Content-Type': 'application/json' };
  if (session) Object.assign(headers, { Cookie: session.cookie, 'X-Comptoir-Csrf': session.csrf });
  const response = await fetch(`${base}/api/${service}/${method}`, {
    method: 'POST', headers, body: JSON.stringify(request || {}),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`${method}: ${body.code} ${body.message}`);
  return body;
}

module.exports = { Network, PASSWORD, api, logInApi, waitFor };
