// The web inbox in a real browser: Debian's chromium driven by playwright-core. A person opens
// /_mock/inbox, sees the email, clicks its sign-in button, lands on the app's callback, and the
// inbox (live refresh, no reload) marks the link used; new emails and scanner hits appear too.
// Env: WORKOS_MOCK_BIN (the server binary), SCREENSHOT_DIR (where inbox.png goes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { BIN, SHOTS, FLAGS, startMock, startApp as startAppWith, api } from './lib.mjs';

const startApp = () => startAppWith(
  (url, req) => ({ path: url.pathname, code: url.searchParams.get('code'), error: url.searchParams.get('error'), ua: req.headers['user-agent'] }),
  '<!doctype html><title>App</title><h1>Signed in to the app</h1>');

async function sendEmail(base, key, email) {
  const session = await api(base, 'POST', '/passwordless/sessions', key, { type: 'MagicLink', email });
  await api(base, 'POST', `/passwordless/sessions/${session.id}/send`, key, {});
  return session;
}

test('inbox: open the link from the page, see it marked used; new mail and scanner hits appear', async () => {
  assert.ok(BIN, 'set WORKOS_MOCK_BIN');
  const dir = mkdtempSync(join(tmpdir(), 'workos-inbox-'));
  const mock = await startMock(dir);
  const app = await startApp();
  let context;
  try {
    const env = await api(mock.base, 'POST', '/_mock/environments', null,
      { redirect_uris: [app.callback], app_name: 'Acme <Dashboard>' });
    const key = env.api_key;
    const session = await sendEmail(mock.base, key, 'pat@corp.example');

    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: '/usr/bin/chromium', headless: true, args: FLAGS,
      viewport: { width: 1100, height: 1000 },
    });
    const problems = [];
    const page = context.pages()[0] || await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(`${mock.base}/_mock/inbox?key=${encodeURIComponent(key)}`);

    const card = page.locator(`article[data-id]`).filter({ hasText: 'pat@corp.example' });
    await card.waitFor();
    assert.equal(await card.locator('.status').textContent(), 'unused');
    assert.equal(await card.locator('.click').textContent(), 'signs in: redirects to the app with a code');
    assert.equal(await card.locator('.subject').textContent(), 'Sign in to Acme <Dashboard>');
    assert.equal(await card.locator('a.open').getAttribute('href'), session.link);

    // Click the email's button: the link opens in a new tab and lands on the app's callback.
    const [popup] = await Promise.all([context.waitForEvent('page'), card.locator('a.open').click()]);
    await popup.waitForLoadState();
    assert.match(popup.url(), new RegExp(`^${app.callback}\\?code=[0-9A-Z]{26}$`));
    assert.equal(await popup.locator('h1').textContent(), 'Signed in to the app');
    assert.equal(app.hits.filter((h) => h.path === '/callback').length, 1);
    await popup.close();

    // The inbox refreshes itself: the link is now marked used, without a reload.
    await page.waitForFunction((id) => {
      const el = document.querySelector(`article[data-id="${id}"] .status`);
      return el && el.textContent === 'used';
    }, await card.getAttribute('data-id'), { timeout: 10000 });
    assert.equal(await card.locator('.click').textContent(), 'redirects to the app with error=access_denied (it was used)');

    // A second click: the browser lands on the app's callback again, with error=access_denied.
    const [again] = await Promise.all([context.waitForEvent('page'), card.locator('a.open').click()]);
    await again.waitForLoadState();
    const back = new URL(again.url());
    assert.equal(`${back.origin}${back.pathname}`, app.callback);
    assert.equal(back.searchParams.get('error'), 'access_denied');
    assert.equal(back.searchParams.get('code'), null);
    assert.deepEqual(app.hits.filter((h) => h.path === '/callback').map((h) => h.error), [null, 'access_denied']);
    await again.close();

    // A new email arrives while the page is open; with the scanner on, it shows up scanned.
    await api(mock.base, 'PUT', '/_mock/scanner', key, { mode: 'prefetch' });
    await sendEmail(mock.base, key, 'quinn@corp.example');
    const scanned = page.locator('article[data-id]').filter({ hasText: 'quinn@corp.example' });
    await scanned.waitFor({ timeout: 10000 });
    await page.waitForFunction(() => {
      const first = document.querySelector('#mails article .status');
      return first && first.textContent === 'scanned';
    }, null, { timeout: 10000 });
    assert.match(await scanned.locator('.scanner').textContent(), /^prefetch: consumed at /);
    assert.equal(await page.locator('#mails article').count(), 2);
    assert.equal(await page.locator('#scanner').textContent(), 'prefetch');
    // Newest first.
    assert.match(await page.locator('#mails article').first().textContent(), /quinn@corp\.example/);

    // The rendered email is there, in a sandboxed frame.
    await card.locator('summary').click();
    const frame = card.locator('iframe');
    assert.equal(await frame.getAttribute('sandbox'), '');
    const inner = await frame.contentFrame().locator('h1').textContent();
    assert.equal(inner, 'Sign in to Acme <Dashboard>');

    mkdirSync(SHOTS, { recursive: true });
    const shot = join(SHOTS, 'inbox.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}`);
    assert.deepEqual(problems, [], 'no console errors (e.g. CSP violations)');
  } finally {
    if (context) await context.close();
    app.server.close();
    mock.proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});
