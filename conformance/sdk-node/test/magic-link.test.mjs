// The Magic Link (passwordless) flow, end to end, through the official
// @workos-inc/node SDK, plus the same requests issued with plain fetch so the
// raw wire bodies can be checked against the schemas.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { OauthException, UnprocessableEntityException } from '@workos-inc/node';
import {
  DEFAULT_REDIRECT,
  assertNear,
  bearer,
  click,
  clickForCode,
  createEnvironment,
  expectJSON,
  http,
  isoPlus,
  latestEmail,
  parseRedirect,
  randomState,
  rejectsWith,
  sdkFor,
  startMock,
  uniqueEmail,
} from '../lib/harness.mjs';
import {
  CROCKFORD,
  assertOutboxEmail,
  assertPasswordlessSession,
  assertSendSession,
  assertSpecResponse,
  assertSpecSchema,
} from '../lib/schemas.mjs';

const mock = await startMock();
after(() => mock.stop());

const T = { timeout: 60000 };
const SESSION_ID = new RegExp(`^passwordless_session_${CROCKFORD}$`);
const PROFILE_ID = new RegExp(`^prof_${CROCKFORD}$`);
const CONNECTION_ID = new RegExp(`^conn_${CROCKFORD}$`);
const ORG_ID = new RegExp(`^org_${CROCKFORD}$`);
const LINK_TTL_S = 15 * 60;
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const linkRe = () => new RegExp(`^${escapeRe(mock.baseURL)}/passwordless/[A-Za-z0-9]+/confirm$`);
const invalidSessionMessage = (id) => `The passwordless session '${id}' has expired or is invalid.`;

test('SDK: createSession → sendSession → outbox → click → getProfileAndToken → getProfile', T, async () => {
  const env = await createEnvironment(mock);
  const workos = sdkFor(mock, env);
  const email = uniqueEmail();
  const state = randomState();

  const t0 = new Date();
  const session = await workos.passwordless.createSession({ type: 'MagicLink', email, redirectURI: DEFAULT_REDIRECT, state });
  assert.equal(session.object, 'passwordless_session');
  assert.match(session.id, SESSION_ID);
  assert.equal(session.email, email);
  assert.equal(typeof session.expiresAt, 'string', 'expiresAt is passed through as the wire ISO string');
  assertNear(new Date(session.expiresAt), isoPlus(t0, LINK_TTL_S), 30, 'expiresAt = now + 15 min');
  assert.match(session.link, linkRe(), 'the link points at the mock itself');

  const sent = await workos.passwordless.sendSession(session.id);
  assert.deepEqual(sent, { success: true });

  const mail = expectJSON(await latestEmail(mock, env, email), 200, 'GET /_mock/outbox/latest');
  assertOutboxEmail(mail);
  assert.equal(mail.to, email);
  assert.equal(mail.link, session.link);
  assert.equal(mail.session_id, session.id);
  assert.ok(mail.text.includes(session.link), 'the text part carries the link');
  assert.ok(mail.html.includes(session.link), 'the HTML part carries the link');

  const code = await clickForCode(mail.link, DEFAULT_REDIRECT, state);

  const { accessToken, profile } = await workos.sso.getProfileAndToken({ code, clientId: env.client_id });
  assert.equal(typeof accessToken, 'string');
  assert.ok(accessToken.length > 0);
  assert.match(profile.id, PROFILE_ID);
  assert.equal(profile.email, email);
  assert.equal(profile.connectionType, 'MagicLink');
  assert.match(profile.connectionId, CONNECTION_ID);
  assert.equal(typeof profile.idpId, 'string');
  assert.ok('organizationId' in profile, 'organization_id is on the wire (the SDK copies it only when present)');
  if (profile.organizationId !== null) assert.match(profile.organizationId, ORG_ID);

  const again = await workos.sso.getProfile({ accessToken });
  assert.deepEqual(again, profile, 'getProfile returns the same profile as the token exchange');

  // The link is single use: a second visit sends the browser back with error=access_denied.
  const second = await click(session.link);
  assert.equal(second.status, 302, `second visit: expected 302, got ${second.status}`);
  const refused = parseRedirect(second.location, session.link);
  assert.equal(refused.base, DEFAULT_REDIRECT, 'second visit: back to the redirect URI');
  assert.equal(refused.params.get('error'), 'access_denied');
  assert.match(refused.params.get('error_description') ?? '', /already been used/);
  assert.equal(refused.params.get('state'), state);
  assert.equal(refused.params.get('code'), null, 'second visit: no code');
  assert.equal(new URL(mail.link).search, '', 'link carries no query');

  // The code is single use.
  const err = await rejectsWith(workos.sso.getProfileAndToken({ code, clientId: env.client_id }), OauthException, 're-used code');
  assert.equal(err.status, 400);
  assert.equal(err.error, 'invalid_grant');
  assert.equal(err.errorDescription, `The code '${code}' has expired or is invalid.`);

  // A used session cannot be sent again.
  const used = await rejectsWith(workos.passwordless.sendSession(session.id), UnprocessableEntityException, 'send of a used session');
  assert.equal(used.status, 422);
  assert.equal(used.message, invalidSessionMessage(session.id));
});

test('SDK app: its callback gets the code on the first click and error=access_denied on the second', T, async () => {
  const { createServer } = await import('node:http');
  const seen = [];
  let workos;
  let env;
  // The app's callback, as the Magic Link guide writes it: exchange the code, or show the error.
  const app = createServer(async (req, res) => {
    const q = new URL(req.url, 'http://app').searchParams;
    const hit = { code: q.get('code'), error: q.get('error'), description: q.get('error_description'), state: q.get('state') };
    seen.push(hit);
    if (hit.code) {
      const { profile } = await workos.sso.getProfileAndToken({ code: hit.code, clientId: env.client_id });
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`signed in as ${profile.email}`);
    } else {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end(`sign-in failed: ${hit.error}: ${hit.description}`);
    }
  });
  await new Promise((r) => app.listen(0, '127.0.0.1', r));
  try {
    const callback = `http://127.0.0.1:${app.address().port}/callback`;
    env = await createEnvironment(mock, { redirect_uris: [callback] });
    workos = sdkFor(mock, env);
    const email = uniqueEmail('app');
    const state = randomState();
    const session = await workos.passwordless.createSession({ type: 'MagicLink', email, state });
    await workos.passwordless.sendSession(session.id);
    const mail = expectJSON(await latestEmail(mock, env, email), 200, 'outbox');
    // The browser follows the redirect to the app both times.
    const first = await fetch(mail.link, { signal: AbortSignal.timeout(15000) });
    assert.equal(first.status, 200);
    assert.equal(await first.text(), `signed in as ${email}`);
    const second = await fetch(mail.link, { signal: AbortSignal.timeout(15000) });
    assert.equal(second.status, 400);
    assert.match(await second.text(), /^sign-in failed: access_denied: The Magic Link has already been used/);
    assert.equal(seen.length, 2);
    assert.deepEqual(seen[1], { code: null, error: 'access_denied', description: seen[1].description, state });
  } finally {
    app.closeAllConnections();
    await new Promise((r) => app.close(r));
  }
});

test('raw: the same flow with plain fetch, bodies validated', T, async () => {
  const env = await createEnvironment(mock);
  const email = uniqueEmail('raw');
  const state = randomState();

  // Same keys, same order as the SDK sends them.
  const created = await http(mock, '/passwordless/sessions', {
    method: 'POST',
    headers: bearer(env.api_key),
    json: { type: 'MagicLink', email, state, redirect_uri: DEFAULT_REDIRECT },
  });
  const session = assertPasswordlessSession(expectJSON(created, 201, 'POST /passwordless/sessions'));
  assert.deepEqual(Object.keys(session).sort(), ['email', 'expires_at', 'id', 'link', 'object']);
  assert.equal(session.email, email);
  assert.match(session.link, linkRe());

  const sent = await http(mock, `/passwordless/sessions/${session.id}/send`, { method: 'POST', headers: bearer(env.api_key), json: {} });
  assert.deepEqual(assertSendSession(expectJSON(sent, 201, 'POST /passwordless/sessions/{id}/send')), { success: true });

  const mail = assertOutboxEmail(expectJSON(await latestEmail(mock, env, email), 200, 'outbox'));
  assert.equal(mail.session_id, session.id);

  const code = await clickForCode(mail.link, DEFAULT_REDIRECT, state);

  // Exactly what the Node SDK sends: form body plus the key as Bearer.
  const tok = await http(mock, '/sso/token', {
    method: 'POST',
    headers: bearer(env.api_key),
    form: { client_id: env.client_id, grant_type: 'authorization_code', code, client_secret: env.api_key },
  });
  const token = expectJSON(tok, 200, 'POST /sso/token');
  assertSpecResponse('/sso/token', 'post', 200, token);
  assertSpecSchema('SsoTokenResponse', token);
  assert.equal(token.token_type, 'Bearer');
  assert.ok(Number.isInteger(token.expires_in) && token.expires_in > 0, 'expires_in is a positive integer');
  const p = token.profile;
  assert.equal(p.object, 'profile');
  assert.equal(p.email, email);
  assert.equal(p.connection_type, 'MagicLink');
  assert.match(p.id, PROFILE_ID);
  assert.match(p.connection_id, CONNECTION_ID);
  assert.equal(typeof p.raw_attributes, 'object');

  const prof = await http(mock, '/sso/profile', { headers: bearer(token.access_token) });
  const profile = expectJSON(prof, 200, 'GET /sso/profile');
  assertSpecResponse('/sso/profile', 'get', 200, profile);
  assert.deepEqual(profile, token.profile, '/sso/profile returns the profile of the token exchange');

  const reuse = await http(mock, '/sso/token', {
    method: 'POST',
    headers: bearer(env.api_key),
    form: { client_id: env.client_id, grant_type: 'authorization_code', code, client_secret: env.api_key },
  });
  const reuseBody = expectJSON(reuse, 400, 're-used code');
  assertSpecResponse('/sso/token', 'post', 400, reuseBody);
  assert.deepEqual(reuseBody, { error: 'invalid_grant', error_description: `The code '${code}' has expired or is invalid.` });

  const second = await click(mail.link);
  assert.equal(second.status, 302);
  assert.equal(parseRedirect(second.location, mail.link).params.get('error'), 'access_denied');

  const resend = await http(mock, `/passwordless/sessions/${session.id}/send`, { method: 'POST', headers: bearer(env.api_key), json: {} });
  assert.deepEqual(expectJSON(resend, 422, 'send of a used session'), { message: invalidSessionMessage(session.id) });
});

test('raw: the access_token is an RS256 JWT (CONTRACT.md, POST /sso/token)', T, async () => {
  const env = await createEnvironment(mock);
  const workos = sdkFor(mock, env);
  const session = await workos.passwordless.createSession({ type: 'MagicLink', email: uniqueEmail('jwt'), redirectURI: DEFAULT_REDIRECT });
  const code = await clickForCode(session.link, DEFAULT_REDIRECT, undefined);
  const tok = await http(mock, '/sso/token', {
    method: 'POST',
    form: { client_id: env.client_id, grant_type: 'authorization_code', code, client_secret: env.api_key },
  });
  const { access_token: jwt } = expectJSON(tok, 200, 'POST /sso/token');
  assert.match(jwt, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, `access_token is a JWT (header.payload.signature), got ${JSON.stringify(jwt)}`);
  const header = JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString());
  assert.equal(header.alg, 'RS256');
  assert.equal(typeof header.kid, 'string', 'the JWT header names its key (kid) for the JWKS');
});

test('raw: /sso/token takes a JSON body without a Bearer header (Python, old Ruby)', T, async () => {
  const env = await createEnvironment(mock);
  const workos = sdkFor(mock, env);
  const email = uniqueEmail('json');
  const session = await workos.passwordless.createSession({ type: 'MagicLink', email, redirectURI: DEFAULT_REDIRECT });
  const code = await clickForCode(session.link, DEFAULT_REDIRECT, undefined);
  const tok = await http(mock, '/sso/token', {
    method: 'POST',
    json: { client_id: env.client_id, client_secret: env.api_key, grant_type: 'authorization_code', code },
  });
  const token = expectJSON(tok, 200, 'POST /sso/token (JSON)');
  assertSpecSchema('SsoTokenResponse', token);
  assert.equal(token.profile.email, email);
});

test('raw: /sso/token error bodies match the spec', T, async () => {
  const env = await createEnvironment(mock);
  const other = await createEnvironment(mock);
  const workos = sdkFor(mock, env);

  const post = (form) => http(mock, '/sso/token', { method: 'POST', form });

  const badSecret = expectJSON(
    await post({ client_id: env.client_id, grant_type: 'authorization_code', code: '01E2RJ4C05B52KKZ8FSRDAP23J', client_secret: 'sk_test_wrong' }),
    400,
    'wrong client_secret',
  );
  assertSpecResponse('/sso/token', 'post', 400, badSecret);
  assert.equal(badSecret.error, 'invalid_client');

  const foreignClient = expectJSON(
    await post({ client_id: other.client_id, grant_type: 'authorization_code', code: '01E2RJ4C05B52KKZ8FSRDAP23J', client_secret: env.api_key }),
    400,
    'client_id of another environment',
  );
  assertSpecResponse('/sso/token', 'post', 400, foreignClient);
  assert.equal(foreignClient.error, 'invalid_client');

  const badGrant = expectJSON(
    await post({ client_id: env.client_id, grant_type: 'password', code: '01E2RJ4C05B52KKZ8FSRDAP23J', client_secret: env.api_key }),
    400,
    'grant_type=password',
  );
  assertSpecResponse('/sso/token', 'post', 400, badGrant);
  assert.equal(badGrant.error, 'unsupported_grant_type');

  const unknownCode = expectJSON(
    await post({ client_id: env.client_id, grant_type: 'authorization_code', code: '01E2RJ4C05B52KKZ8FSRDAP23J', client_secret: env.api_key }),
    400,
    'unknown code',
  );
  assertSpecResponse('/sso/token', 'post', 400, unknownCode);
  assert.deepEqual(unknownCode, { error: 'invalid_grant', error_description: "The code '01E2RJ4C05B52KKZ8FSRDAP23J' has expired or is invalid." });

  // A code from one environment cannot be exchanged with another's credentials.
  const email = uniqueEmail('iso');
  const session = await workos.passwordless.createSession({ type: 'MagicLink', email, redirectURI: DEFAULT_REDIRECT });
  const code = await clickForCode(session.link, DEFAULT_REDIRECT, undefined);
  const otherSdk = sdkFor(mock, other);
  const err = await rejectsWith(otherSdk.sso.getProfileAndToken({ code, clientId: other.client_id }), OauthException, 'code of another environment');
  assert.equal(err.error, 'invalid_grant');
});
