// The interactive mock IdP (--interactive) in a real browser: Debian's chromium driven by
// playwright-core. A person on the sign-in page presses Cancel, picks a failure and presses
// Fail, or continues as a user outside the organization's domains; each time the app's callback
// gets error, error_description, error_uri and state, and no code. Continuing as a user of the
// organization signs in with a code.
// Env: WORKOS_MOCK_BIN (the server binary), SCREENSHOT_DIR (where idp.png goes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { BIN, SHOTS, FLAGS, startMock as startMockWith, startApp as startAppWith, api } from './lib.mjs';

const ERROR_URI = 'https://workos.com/docs/reference/sso/get-authorization-url/error-codes';

const startMock = (dir) => startMockWith(dir, ['--interactive']);
const startApp = () => startAppWith(
  (url) => (url.pathname === '/callback' ? Object.fromEntries(url.searchParams) : undefined),
  '<!doctype html><title>App</title><h1>Back at the app</h1>');

test('interactive IdP page: Cancel, Fail and a profile outside the organization reach the app as errors', async () => {
  assert.ok(BIN, 'set WORKOS_MOCK_BIN');
  const dir = mkdtempSync(join(tmpdir(), 'workos-idp-'));
  const mock = await startMock(dir);
  const app = await startApp();
  let context;
  try {
    const env = await api(mock.base, 'POST', '/_mock/environments', null, {
      redirect_uris: [app.callback],
      organizations: [{ id: 'org_acme', name: 'Acme', domains: ['acme.test'] }],
      connections: [{
        id: 'conn_acme', type: 'OktaSAML', name: 'Acme Okta', organization: 'org_acme',
        users: [{ email: 'ann@acme.test', first_name: 'Ann', last_name: 'Lee' }, { email: 'guest@studio.test' }],
      }],
    });
    const authorize = (state) => `${mock.base}/sso/authorize?${new URLSearchParams({
      response_type: 'code', client_id: env.client_id, redirect_uri: app.callback, connection: 'conn_acme', state,
    })}`;

    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: '/usr/bin/chromium', headless: true, args: FLAGS, viewport: { width: 900, height: 900 },
    });
    const problems = [];
    const page = context.pages()[0] || await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(String(e)));

    const landed = async (state) => {
      await page.waitForURL((u) => u.href.startsWith(app.callback), { timeout: 10000 });
      assert.equal(await page.locator('h1').textContent(), 'Back at the app');
      const got = new URL(page.url()).searchParams;
      assert.equal(got.get('state'), state);
      return got;
    };
    const expectError = (got, error) => {
      assert.equal(got.get('error'), error);
      assert.ok(got.get('error_description'));
      assert.equal(got.get('error_uri'), ERROR_URI);
      assert.equal(got.get('code'), null);
    };

    // 1. The person cancels the sign-in.
    await page.goto(authorize('cancel-1'));
    assert.equal(await page.locator('h1').textContent(), 'Sign in with Acme Okta');
    mkdirSync(SHOTS, { recursive: true });
    const shot = join(SHOTS, 'idp.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}`);
    await page.getByRole('button', { name: 'Cancel' }).click();
    const cancelled = await landed('cancel-1');
    expectError(cancelled, 'signin_consent_denied');
    assert.equal(cancelled.get('error_description'), 'User cancelled the authentication request');

    // 2. The IdP fails: the default failure of a SAML connection, then another one picked.
    await page.goto(authorize('fail-2'));
    assert.equal(await page.locator('select[name=outcome]').inputValue(), 'server_error');
    await page.getByRole('button', { name: 'Fail' }).click();
    expectError(await landed('fail-2'), 'server_error');
    await page.goto(authorize('fail-3'));
    await page.locator('select[name=outcome]').selectOption('idp_initiated_sso_disabled');
    await page.getByRole('button', { name: 'Fail' }).click();
    const idp = await landed('fail-3');
    expectError(idp, 'idp_initiated_sso_disabled');
    assert.equal(idp.get('connection_id'), 'conn_acme');

    // 3. Deny access.
    await page.goto(authorize('deny-4'));
    await page.getByRole('button', { name: 'Deny access' }).click();
    expectError(await landed('deny-4'), 'access_denied');

    // 4. A user outside the organization's verified domains, then one inside.
    await page.goto(authorize('guest-5'));
    await page.getByRole('button', { name: 'guest@studio.test' }).click();
    expectError(await landed('guest-5'), 'profile_not_allowed_outside_organization');
    await page.goto(authorize('ann-6'));
    await page.getByRole('button', { name: 'Ann Lee <ann@acme.test>' }).click();
    const ok = await landed('ann-6');
    assert.match(ok.get('code') ?? '', /^[0-9A-Z]{26}$/);
    assert.equal(ok.get('error'), null);

    // The lifecycle endpoint saw every one of them.
    const signIns = await api(mock.base, 'GET', '/_mock/sso/sign-ins', env.api_key);
    assert.deepEqual(signIns.data.map((s) => [s.state, s.status, s.error, s.source]), [
      ['ann-6', 'signed_in', null, null],
      ['guest-5', 'failed', 'profile_not_allowed_outside_organization', 'domain_policy'],
      ['deny-4', 'failed', 'access_denied', 'idp_page'],
      ['fail-3', 'failed', 'idp_initiated_sso_disabled', 'idp_page'],
      ['fail-2', 'failed', 'server_error', 'idp_page'],
      ['cancel-1', 'failed', 'signin_consent_denied', 'idp_page'],
    ]);
    assert.deepEqual(app.hits.map((h) => h.error ?? 'code'), ['signin_consent_denied', 'server_error',
      'idp_initiated_sso_disabled', 'access_denied', 'profile_not_allowed_outside_organization', 'code']);
    assert.deepEqual(problems, [], 'no console errors (e.g. CSP violations)');
  } finally {
    if (context) await context.close();
    app.server.close();
    mock.proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});
