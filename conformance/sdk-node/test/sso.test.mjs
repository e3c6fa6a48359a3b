// SSO through the SDK: authorization URL, the browser's redirects, the code
// exchange and JWKS (connections: connections.test.mjs). Everything must pass:
// nothing is skipped.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { OauthException } from '@workos-inc/node';
import {
  DEFAULT_REDIRECT,
  bearer,
  click,
  createEnvironment,
  expectJSON,
  http,
  parseRedirect,
  randomState,
  rejectsWith,
  sdkFor,
  startMock,
  uniqueEmail,
} from '../lib/harness.mjs';
import { CROCKFORD, assertSpecResponse, assertSpecSchema } from '../lib/schemas.mjs';

const mock = await startMock();
after(() => mock.stop());

const T = { timeout: 60000 };

/**
 * Plays the browser: follows the redirects of an authorization URL, hop by
 * hop, until one points at the app's redirect URI (which is not followed).
 * Every hop before that must stay on the mock: there is no real IdP. If the
 * mock IdP shows a sign-in page (an HTML form with an email field), it is
 * submitted as `email` (the login hint, or a default user).
 */
async function followToApp(url, redirectURI, { email = 'todd@example.com', maxHops = 8 } = {}) {
  let current = url;
  let init = undefined;
  const hops = [];
  for (let i = 0; i < maxHops; i++) {
    const r = init ? await http(mock, current, init) : await click(current);
    hops.push(`${init ? 'POST' : 'GET'} ${current} → ${r.status}`);
    init = undefined;
    const location = r.location ?? r.headers.get('location');
    if (r.status >= 300 && r.status < 400 && location) {
      const next = new URL(location, current);
      if (`${next.origin}${next.pathname}` === redirectURI) return { url: next, params: next.searchParams, hops };
      assert.equal(next.origin, mock.baseURL, `hop ${i + 1} leaves the mock for ${next.href}`);
      current = next.href;
      continue;
    }
    const form = r.status === 200 && /text\/html/i.test(r.headers.get('content-type') ?? '') ? emailForm(r.text) : null;
    if (!form) throw new Error(`the authorization flow stopped before the app:\n  ${hops.join('\n  ')}\nbody: ${r.text.slice(0, 600)}`);
    current = new URL(form.action, current).href;
    init = { method: 'POST', form: { email: form.value || email } };
  }
  throw new Error(`no redirect to the app after ${maxHops} hops:\n  ${hops.join('\n  ')}`);
}

/** The first POST form of a page that has an `email` input: { action, value }. */
function emailForm(html) {
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attrs = m[1];
    if (!/method\s*=\s*"post"/i.test(attrs)) continue;
    const input = /<input\b[^>]*name\s*=\s*"email"[^>]*>/i.exec(m[2]);
    if (!input) continue;
    const action = /action\s*=\s*"([^"]*)"/i.exec(attrs)?.[1] ?? '';
    const value = /value\s*=\s*"([^"]*)"/i.exec(input[0])?.[1] ?? '';
    const unescape = (v) => v.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
    return { action: unescape(action), value: unescape(value) };
  }
  return null;
}

/** One redirect from /sso/authorize (not followed). */
async function authorizeOnce(params) {
  const r = await click(`${mock.baseURL}/sso/authorize?${new URLSearchParams(params)}`);
  assert.equal(r.status, 302, `GET /sso/authorize?${new URLSearchParams(params)}: expected 302, got ${r.status}: ${r.text.slice(0, 300)}`);
  return new URL(r.location, mock.baseURL);
}

// ---- /sso/authorize ---------------------------------------------------------

test('getAuthorizationUrl(GoogleOAuth) → browser redirects → getProfileAndToken → getProfile', T, async () => {
  const env = await createEnvironment(mock);
  const workos = sdkFor(mock, env);
  const state = randomState();
  const url = workos.sso.getAuthorizationUrl({ provider: 'GoogleOAuth', redirectUri: DEFAULT_REDIRECT, clientId: env.client_id, state });
  assert.ok(url.startsWith(`${mock.baseURL}/sso/authorize?`), url);

  const { params, hops } = await followToApp(url, DEFAULT_REDIRECT);
  const code = params.get('code');
  assert.ok(code, `?code= on the redirect to the app (${hops.join(' → ')})`);
  assert.equal(params.get('state'), state);
  assert.equal(params.get('error'), null);

  const { accessToken, profile } = await workos.sso.getProfileAndToken({ code, clientId: env.client_id });
  assert.ok(accessToken);
  assert.equal(profile.connectionType, 'GoogleOAuth');
  assert.match(profile.id, new RegExp(`^prof_${CROCKFORD}$`));
  assert.match(profile.connectionId, new RegExp(`^conn_${CROCKFORD}$`));
  assert.ok(profile.email.includes('@'));
  assert.deepEqual(await workos.sso.getProfile({ accessToken }), profile);

  const err = await rejectsWith(workos.sso.getProfileAndToken({ code, clientId: env.client_id }), OauthException, 're-used SSO code');
  assert.equal(err.error, 'invalid_grant');
});

test('raw: an OAuth connection\'s token reply carries oauth_tokens and matches the spec', T, async () => {
  const env = await createEnvironment(mock);
  const workos = sdkFor(mock, env);
  const url = workos.sso.getAuthorizationUrl({
    provider: 'GoogleOAuth',
    redirectUri: DEFAULT_REDIRECT,
    clientId: env.client_id,
    providerScopes: ['openid', 'email'],
    loginHint: 'todd@example.com',
  });
  const { params } = await followToApp(url, DEFAULT_REDIRECT);
  assert.equal(params.get('state'), null, 'no state was given');
  const r = await http(mock, '/sso/token', {
    method: 'POST',
    form: { client_id: env.client_id, client_secret: env.api_key, grant_type: 'authorization_code', code: params.get('code') },
  });
  const token = expectJSON(r, 200, 'POST /sso/token (SSO)');
  assertSpecResponse('/sso/token', 'post', 200, token);
  assert.equal(token.profile.connection_type, 'GoogleOAuth');
  // An OAuth connection's reply carries the IdP's tokens, with the scopes asked for.
  assert.ok(token.oauth_tokens, 'oauth_tokens on an OAuth connection');
  assert.equal(token.oauth_tokens.provider, 'GoogleOAuth');
  assert.deepEqual(token.oauth_tokens.scopes, ['openid', 'email']);
});

test('provider_scopes: repeated (Node) and comma-joined (Python) forms are both accepted', T, async () => {
  const env = await createEnvironment(mock);
  const base = { client_id: env.client_id, provider: 'GoogleOAuth', redirect_uri: DEFAULT_REDIRECT, response_type: 'code' };
  const repeated = new URLSearchParams(base);
  repeated.append('provider_scopes', 'openid');
  repeated.append('provider_scopes', 'email');
  const comma = new URLSearchParams({ ...base, provider_scopes: 'openid,email' });
  for (const q of [repeated, comma]) {
    const { params } = await followToApp(`${mock.baseURL}/sso/authorize?${q}`, DEFAULT_REDIRECT);
    assert.ok(params.get('code'), `a code for ${q}`);
  }
});

test('PKCE: getAuthorizationUrlWithPKCE, confidential and public clients', T, async () => {
  const env = await createEnvironment(mock);
  const workos = sdkFor(mock, env);

  const a = await workos.sso.getAuthorizationUrlWithPKCE({ provider: 'GoogleOAuth', redirectUri: DEFAULT_REDIRECT, clientId: env.client_id });
  const ca = (await followToApp(a.url, DEFAULT_REDIRECT)).params;
  assert.equal(ca.get('state'), a.state);
  const withKey = await workos.sso.getProfileAndToken({ code: ca.get('code'), codeVerifier: a.codeVerifier, clientId: env.client_id });
  assert.equal(withKey.profile.connectionType, 'GoogleOAuth');

  // A public client holds no API key: no client_secret, no Authorization header.
  const { WorkOS } = await import('@workos-inc/node');
  const pub = new WorkOS({ clientId: env.client_id, apiHostname: '127.0.0.1', port: mock.port, https: false });
  const b = await pub.sso.getAuthorizationUrlWithPKCE({ provider: 'GoogleOAuth', redirectUri: DEFAULT_REDIRECT, clientId: env.client_id });
  const cb = (await followToApp(b.url, DEFAULT_REDIRECT)).params;
  const publicResult = await pub.sso.getProfileAndToken({ code: cb.get('code'), codeVerifier: b.codeVerifier, clientId: env.client_id });
  assert.equal(publicResult.profile.connectionType, 'GoogleOAuth');

  // A wrong verifier is refused.
  const c = await pub.sso.getAuthorizationUrlWithPKCE({ provider: 'GoogleOAuth', redirectUri: DEFAULT_REDIRECT, clientId: env.client_id });
  const cc = (await followToApp(c.url, DEFAULT_REDIRECT)).params;
  const err = await rejectsWith(
    pub.sso.getProfileAndToken({ code: cc.get('code'), codeVerifier: b.codeVerifier, clientId: env.client_id }),
    OauthException,
    'wrong code_verifier',
  );
  assert.equal(err.error, 'invalid_grant');
});

test('unregistered redirect_uri / unknown client_id → the mock\'s own error pages, never the app', T, async () => {
  const env = await createEnvironment(mock);
  const state = randomState();
  const badRedirect = await authorizeOnce({
    client_id: env.client_id,
    provider: 'GoogleOAuth',
    redirect_uri: 'http://localhost:3000/not-registered',
    response_type: 'code',
    state,
  });
  assert.equal(badRedirect.origin, mock.baseURL, `served by the mock: ${badRedirect.href}`);
  assert.match(badRedirect.pathname, /\/sso\/redirect-uri-invalid$/);
  // The status of error.workos.com's pages is not documented: any non-redirect will do.
  const page = await click(badRedirect.href);
  assert.ok(page.status === 200 || (page.status >= 400 && page.status < 500), `error page status ${page.status}`);
  assert.equal(page.location, null, 'the error page does not redirect');
  assert.match(page.headers.get('content-type') ?? '', /text\/html/i);
  assert.match(page.text, /Invalid Redirect URI/i);

  const badClient = await authorizeOnce({
    client_id: 'client_01AAAAAAAAAAAAAAAAAAAAAAAA',
    provider: 'GoogleOAuth',
    redirect_uri: DEFAULT_REDIRECT,
    response_type: 'code',
    state,
  });
  assert.equal(badClient.origin, mock.baseURL, `served by the mock: ${badClient.href}`);
  assert.match(badClient.pathname, /\/sso\/client-id-invalid$/);
  const page2 = await click(badClient.href);
  assert.ok(page2.status === 200 || (page2.status >= 400 && page2.status < 500), `error page status ${page2.status}`);
  assert.equal(page2.location, null, 'the error page does not redirect');
  assert.match(page2.headers.get('content-type') ?? '', /text\/html/i);
  assert.match(page2.text, /Invalid client ID/i);
});

test('selector problems go back to the app with error, error_description and state', T, async () => {
  const env = await createEnvironment(mock);
  const state = randomState();
  const base = { client_id: env.client_id, redirect_uri: DEFAULT_REDIRECT, response_type: 'code', state };
  for (const [extra, error] of [
    [{ connection: 'conn_01AAAAAAAAAAAAAAAAAAAAAAAA', provider: 'GoogleOAuth' }, 'invalid_connection_selector'],
    [{ provider: 'MySpaceOAuth' }, 'connection_strategy_invalid'],
    [{ connection: 'conn_01AAAAAAAAAAAAAAAAAAAAAAAA' }, 'connection_invalid'],
    [{ organization: 'org_01AAAAAAAAAAAAAAAAAAAAAAAA' }, 'organization_invalid'],
    [{ domain: 'example.com' }, 'domain_connection_selector_not_allowed'],
  ]) {
    const loc = await authorizeOnce({ ...base, ...extra });
    assert.equal(`${loc.origin}${loc.pathname}`, DEFAULT_REDIRECT, `${JSON.stringify(extra)} goes back to the app: ${loc.href}`);
    assert.equal(loc.searchParams.get('error'), error, `${JSON.stringify(extra)}: ${loc.href}`);
    assert.ok(loc.searchParams.get('error_description'), `${JSON.stringify(extra)}: an error_description`);
    assert.equal(loc.searchParams.get('error_uri'), 'https://workos.com/docs/reference/sso/get-authorization-url/error-codes');
    assert.equal(loc.searchParams.get('state'), state);
    assert.equal(loc.searchParams.get('code'), null);
  }
  const strategy = await authorizeOnce({ ...base, provider: 'MySpaceOAuth' });
  assert.equal(strategy.searchParams.get('error_description'), "The provider 'MySpaceOAuth' is not valid.");
});

test('requests that never reach the app: no selector, code_challenge_method alone → the mock\'s error pages', T, async () => {
  const env = await createEnvironment(mock);
  const base = { client_id: env.client_id, redirect_uri: DEFAULT_REDIRECT, response_type: 'code', state: randomState() };
  for (const [extra, page, title] of [
    [{}, '/sso/invalid-connection-selector', /Invalid connection selector/],
    [{ provider: 'GoogleOAuth', code_challenge_method: 'S256' }, '/sso/code_challenge_missing', /Missing code challenge/],
  ]) {
    const loc = await authorizeOnce({ ...base, ...extra });
    assert.equal(`${loc.origin}${loc.pathname}`, `${mock.baseURL}${page}`, `${JSON.stringify(extra)}: ${loc.href}`);
    const r = await click(loc.href);
    assert.equal(r.status, 400);
    assert.equal(r.location, null, 'the error page does not redirect');
    assert.match(r.text, title);
  }
});

test('newer connection types, prompt=login, and the profile fields live added, against the spec', T, async () => {
  const user = { email: 'ria@types.example', first_name: 'Ria', last_name: 'Ray', roles: ['admin', 'billing'], custom_attributes: { department: 'Sales' } };
  const types = ['GrokOAuth', 'XOAuth', 'CleverOIDC', 'EntraIdOIDC', 'OktaOIDC'];
  const env = await createEnvironment(mock, {
    redirect_uris: [DEFAULT_REDIRECT],
    connections: types.map((type) => ({ id: `conn_types_${type.toLowerCase()}`, type, users: [user] })),
  });
  const workos = sdkFor(mock, env);
  for (const type of types) {
    const connection = `conn_types_${type.toLowerCase()}`;
    // The Node SDK's SSO URL has no prompt option; apps append it as the spec documents it.
    const url = `${workos.sso.getAuthorizationUrl({ connection, redirectUri: DEFAULT_REDIRECT, clientId: env.client_id, providerScopes: ['users.read'] })}&prompt=login`;
    const { params } = await followToApp(url, DEFAULT_REDIRECT);
    assert.ok(params.get('code'), `${type}: a code (error: ${params.get('error')})`);
    const r = await http(mock, '/sso/token', {
      method: 'POST',
      form: { client_id: env.client_id, client_secret: env.api_key, grant_type: 'authorization_code', code: params.get('code') },
    });
    const token = expectJSON(r, 200, `POST /sso/token (${type})`);
    assertSpecResponse('/sso/token', 'post', 200, token);
    assertSpecSchema('SsoTokenResponse', token);
    const p = token.profile;
    assert.equal(p.connection_type, type);
    assert.equal(p.name, 'Ria Ray');
    assert.deepEqual(p.role, { slug: 'admin' });
    assert.deepEqual(p.roles, [{ slug: 'admin' }, { slug: 'billing' }]);
    assert.deepEqual(p.custom_attributes, { department: 'Sales' });
    if (type.endsWith('OAuth')) {
      assert.equal(token.oauth_tokens?.provider, type, `${type}: oauth_tokens`);
      assert.deepEqual(token.oauth_tokens.scopes, ['users.read']);
    } else {
      assert.equal(token.oauth_tokens, undefined, `${type}: no oauth_tokens for a non-OAuth connection`);
    }
    const prof = expectJSON(await http(mock, '/sso/profile', { headers: bearer(token.access_token) }), 200, `GET /sso/profile (${type})`);
    assertSpecResponse('/sso/profile', 'get', 200, prof);
    assert.deepEqual(prof, p);
    const conn = expectJSON(await http(mock, `/connections/${connection}`, { headers: bearer(env.api_key) }), 200, `GET /connections/{id} (${type})`);
    assertSpecSchema('Connection', conn);
    assert.equal(conn.connection_type, type);
  }
  // The SDK reads the new fields.
  const url = workos.sso.getAuthorizationUrl({ connection: 'conn_types_oktaoidc', redirectUri: DEFAULT_REDIRECT, clientId: env.client_id });
  const { params } = await followToApp(url, DEFAULT_REDIRECT);
  const { profile, oauthTokens } = await workos.sso.getProfileAndToken({ code: params.get('code'), clientId: env.client_id });
  assert.equal(profile.name, 'Ria Ray');
  assert.deepEqual(profile.roles, [{ slug: 'admin' }, { slug: 'billing' }]);
  assert.deepEqual(profile.customAttributes, { department: 'Sales' });
  assert.equal(oauthTokens, undefined);
  // A type outside the spec's list is refused when the environment is created.
  const bad = await http(mock, '/_mock/environments', { method: 'POST', json: { connections: [{ type: 'GithubOAuth' }] } });
  assert.equal(bad.status, 422, bad.text);
});

test('/sso/token with HTTP Basic: the header is not read; no client_id in the body is invalid_request', T, async () => {
  const env = await createEnvironment(mock);
  const workos = sdkFor(mock, env);
  const url = workos.sso.getAuthorizationUrl({ provider: 'GoogleOAuth', redirectUri: DEFAULT_REDIRECT, clientId: env.client_id });
  const code = (await followToApp(url, DEFAULT_REDIRECT)).params.get('code');
  const basic = `Basic ${Buffer.from(`${env.client_id}:${env.api_key}`).toString('base64')}`;
  const r = await http(mock, '/sso/token', { method: 'POST', headers: { Authorization: basic }, form: { grant_type: 'authorization_code', code } });
  // Not one of the spec's four 400 examples: a 2026 report against live (CONTRACT.md).
  assert.deepEqual(expectJSON(r, 400, 'POST /sso/token with Basic'), { error: 'invalid_request', error_description: 'Missing required parameter: client_id' });
  const ok = await workos.sso.getProfileAndToken({ code, clientId: env.client_id });
  assert.equal(ok.profile.connectionType, 'GoogleOAuth', 'the failed attempt did not burn the code');
});

// ---- JWKS ------------------------------------------------------------------

test('GET /sso/jwks/{client_id} matches the spec and verifies the access token', T, async () => {
  const env = await createEnvironment(mock);
  const workos = sdkFor(mock, env);
  const s = await workos.passwordless.createSession({ type: 'MagicLink', email: uniqueEmail('jwt'), redirectURI: DEFAULT_REDIRECT });
  const code = parseRedirect((await click(s.link)).location, s.link).params.get('code');
  const { accessToken } = await workos.sso.getProfileAndToken({ code, clientId: env.client_id });

  const r = await http(mock, `/sso/jwks/${env.client_id}`); // no API key: public, like jose fetches it
  const jwks = expectJSON(r, 200, 'GET /sso/jwks');
  assertSpecResponse('/sso/jwks/{clientId}', 'get', 200, jwks);
  assertSpecSchema('JwksResponse', jwks);

  const [h, p, sig] = accessToken.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString());
  assert.equal(header.alg, 'RS256');
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  assert.ok(jwk, `a key with kid ${header.kid}`);
  const key = createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e }, format: 'jwk' });
  assert.ok(cryptoVerify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(sig, 'base64url')), 'the access token verifies with the JWKS');

  const unknown = await http(mock, '/sso/jwks/client_01AAAAAAAAAAAAAAAAAAAAAAAA');
  assertSpecResponse('/sso/jwks/{clientId}', 'get', 404, expectJSON(unknown, 404, 'unknown client jwks'));
});
