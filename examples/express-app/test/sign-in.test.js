// The example app against workos-mock, the way its users test it: start the mock, give the app an
// environment whose redirect URI is the app's callback, start the app with nothing but
// WORKOS_API_KEY, WORKOS_CLIENT_ID, WORKOS_BASE_URL and PORT, then sign in like a person does:
// post the email, open the email, click the link, land on the app signed in.
//
//   WORKOS_MOCK_BIN=/path/to/workos-mock node --test test/   (starts its own mock)
//   WORKOS_MOCK_URL=http://127.0.0.1:4400 node --test test/  (uses a running one, e.g. in CI)
// Either way the tests run in their own environment on the mock, so they can share it.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const readline = require('node:readline');

const { workosOptions } = require('../app.js');

const T = { timeout: 60000 };
const HTTP_TIMEOUT_MS = 15000;

/** Spawns a process and resolves with the first stdout line matching `re` (and the process). */
function startProcess(cmd, args, env, re, what) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not start within 20 s: ${stderr}`));
    }, 20000);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before it was listening: ${stderr}`));
    });
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = re.exec(line);
      if (m) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ child, match: m, stderr: () => stderr });
      }
    });
  });
}

function stopProcess(p) {
  if (!p || !p.child || p.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    p.child.once('exit', resolve);
    p.child.kill('SIGTERM');
    setTimeout(() => p.child.kill('SIGKILL'), 5000).unref();
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function http(url, options = {}) {
  const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(HTTP_TIMEOUT_MS), ...options });
  return { status: res.status, headers: res.headers, location: res.headers.get('location'), text: await res.text() };
}

let mock;     // { child, baseURL }
let app;      // { child, url }
let env;      // the mock environment the app uses
let callback; // the app's callback URL (the environment's redirect URI)

const controlPlane = (p, options = {}) =>
  http(`${mock.baseURL}${p}`, { ...options, headers: { Authorization: `Bearer ${env.api_key}`, ...options.headers } });

before(async () => {
  const bin = process.env.WORKOS_MOCK_BIN;
  const running = process.env.WORKOS_MOCK_URL;
  if (bin) {
    const m = await startProcess(bin, ['--port', '0'], process.env,
      /^workos-mock listening on (http:\/\/127\.0\.0\.1:\d+)$/, 'workos-mock');
    mock = { ...m, baseURL: m.match[1] };
  } else {
    assert.ok(running, 'set WORKOS_MOCK_BIN (a workos-mock binary) or WORKOS_MOCK_URL (a running mock)');
    mock = { child: null, baseURL: running.replace(/\/+$/, '') };
  }

  // An isolated environment whose redirect URI is the app's callback.
  const port = await freePort();
  callback = `http://127.0.0.1:${port}/callback`;
  const created = await http(`${mock.baseURL}/_mock/environments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ redirect_uris: [callback] }),
  });
  assert.equal(created.status, 201, created.text);
  env = JSON.parse(created.text);

  // The app sees only these variables (no inherited WORKOS_*).
  const appEnv = {
    PATH: process.env.PATH,
    WORKOS_API_KEY: env.api_key,
    WORKOS_CLIENT_ID: env.client_id,
    WORKOS_BASE_URL: mock.baseURL,
    PORT: String(port),
  };
  const a = await startProcess(process.execPath, [path.join(__dirname, '..', 'app.js')], appEnv,
    /^express-app listening on http:\/\/localhost:(\d+)$/, 'the app');
  app = { ...a, url: `http://127.0.0.1:${a.match[1]}` };
});

after(async () => {
  await stopProcess(app);
  if (env && !mock.child) await controlPlane(`/_mock/environments/${env.name}`, { method: 'DELETE' });
  await stopProcess(mock);
});

/** The person's side: ask for a link, read the email, click, follow the redirect. */
async function signIn(email) {
  const posted = await http(`${app.url}/passwordless-auth`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email }).toString(),
  });
  assert.equal(posted.status, 303, posted.text);
  assert.equal(posted.location, `/check-email?email=${encodeURIComponent(email)}`);
  const check = await http(new URL(posted.location, app.url));
  assert.match(check.text, /Check your email/);

  const mail = await controlPlane(`/_mock/outbox/latest?email=${encodeURIComponent(email)}&wait=5`);
  assert.equal(mail.status, 200, `an email to ${email}: ${mail.text}`);
  const { link, to, subject } = JSON.parse(mail.text);
  assert.equal(to, email);
  assert.ok(subject);

  const click = await http(link, { headers: { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' } });
  assert.equal(click.status, 302, `the link redirects to the app: ${click.text.slice(0, 200)}`);
  const redirect = new URL(click.location);
  assert.equal(`${redirect.origin}${redirect.pathname}`, callback);
  assert.ok(redirect.searchParams.get('code'));

  const landed = await http(click.location);
  return { link, redirect: click.location, landed };
}

test('sign in with a magic link: form → email → click → callback → profile', T, async () => {
  const home = await http(`${app.url}/`);
  assert.equal(home.status, 200);
  assert.match(home.text, /action="\/passwordless-auth"/);

  const email = 'ada@example.com';
  const { landed } = await signIn(email);
  assert.equal(landed.status, 302, `the callback signs in and redirects home: ${landed.text}`);
  assert.equal(landed.location, '/');
  const cookie = landed.headers.get('set-cookie');
  assert.match(cookie, /^sid=[^;]+;.*HttpOnly/i);

  const profile = await http(`${app.url}/`, { headers: { Cookie: cookie.split(';')[0] } });
  assert.equal(profile.status, 200);
  assert.match(profile.text, new RegExp(`Signed in as <strong id="email">${email}</strong>`));
  assert.match(profile.text, /<code id="profile-id">prof_[0-9A-Z]+<\/code>, connection MagicLink/);

  // The mock's view: one code exchange from the app's backend, the key never near a browser.
  const journal = JSON.parse((await controlPlane('/_mock/requests')).text).data;
  const tokens = journal.filter((e) => e.method === 'POST' && e.path === '/sso/token');
  assert.equal(tokens.length, 1);
  assert.equal(tokens[0].status, 200);
  assert.match(tokens[0].user_agent, /^workos-node\//);
  assert.ok(journal.every((e) => !e.key_exposed_to_browser), 'no request exposed the API key to a browser');
});

test('a used link and a replayed callback get clear 400s, never a 500', T, async () => {
  const { link, redirect, landed } = await signIn('grace@example.com');
  assert.equal(landed.status, 302);

  // A second click: WorkOS sends the browser back to the callback with error=access_denied,
  // and the app shows why.
  const again = await http(link);
  assert.equal(again.status, 302, 'the second click goes back to the app');
  const denied = new URL(again.location);
  assert.equal(`${denied.origin}${denied.pathname}`, callback);
  assert.equal(denied.searchParams.get('error'), 'access_denied');
  assert.equal(denied.searchParams.get('code'), null);
  const shown = await http(again.location);
  assert.equal(shown.status, 400);
  assert.match(shown.text, /Sign-in failed/);
  assert.match(shown.text, /already been used/);

  const replay = await http(redirect);
  assert.equal(replay.status, 400);
  assert.match(replay.text, /expired or was already used/);
});

test('bad input: no email, no code, an error from WorkOS', T, async () => {
  const noEmail = await http(`${app.url}/passwordless-auth`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'email=',
  });
  assert.equal(noEmail.status, 400);

  const noCode = await http(`${app.url}/callback`);
  assert.equal(noCode.status, 400);
  const denied = await http(`${app.url}/callback?error=access_denied&error_description=${encodeURIComponent('<b>denied</b>')}`);
  assert.equal(denied.status, 400);
  assert.match(denied.text, /&lt;b&gt;denied&lt;\/b&gt;/, 'escaped');
});

test('WORKOS_BASE_URL maps onto the SDK options', () => {
  assert.deepEqual(workosOptions(undefined), {});
  assert.deepEqual(workosOptions('http://127.0.0.1:4400'), { apiHostname: '127.0.0.1', https: false, port: 4400 });
  assert.deepEqual(workosOptions('https://api.workos.com'), { apiHostname: 'api.workos.com', https: true });
  assert.throws(() => workosOptions('127.0.0.1:4400'), /not a URL|must be http/);
  assert.throws(() => workosOptions('ftp://127.0.0.1'), /must be http/);
  assert.throws(() => workosOptions('http://127.0.0.1:4400/v1'), /bare origin/);
});
