// Server lifecycle, control-plane environments, and the time rules (link TTL
// 15 min, code TTL 10 min) driven through the environment's clock.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { OauthException, UnauthorizedException, UnprocessableEntityException } from '@workos-inc/node';
import {
  DEFAULT_REDIRECT,
  assertNear,
  bearer,
  click,
  createEnvironment,
  expectJSON,
  http,
  isoPlus,
  parseRedirect,
  rejectsWith,
  sdkFor,
  startMock,
  uniqueEmail,
} from '../lib/harness.mjs';

const mock = await startMock();
after(() => mock.stop());

const T = { timeout: 60000 };

test('GET /health → 200 {"status":"ok"}', T, async () => {
  const r = await http(mock, '/health');
  assert.deepEqual(expectJSON(r, 200, 'GET /health'), { status: 'ok' });
});

test('SIGTERM: the server exits 0', T, async () => {
  const own = await startMock();
  const r = await http(own, '/health');
  assert.equal(r.status, 200);
  const { code, signal } = await own.stop();
  assert.equal(signal, null, `exited by signal ${signal}; stderr:\n${own.stderr}`);
  assert.equal(code, 0, `exit code ${code}; stderr:\n${own.stderr}`);
});

test('POST /_mock/environments {} → a staging environment; its key works, other keys do not', T, async () => {
  const env = await createEnvironment(mock, {});
  assert.equal(env.kind, 'staging');
  assert.match(env.api_key, /^sk_test_/);
  assert.match(env.client_id, /^client_/);
  assert.ok(env.redirect_uris.length >= 1, 'a default redirect URI is seeded');
  assert.equal(env.redirect_uris.filter((u) => u.default).length, 1, 'exactly one default');
  const s = await sdkFor(mock, env).passwordless.createSession({ type: 'MagicLink', email: uniqueEmail() });
  assert.ok(s.id);
});

test('DELETE /_mock/environments/{name}: its API key stops working', T, async () => {
  const env = await createEnvironment(mock);
  const r = await http(mock, `/_mock/environments/${encodeURIComponent(env.name)}`, { method: 'DELETE' });
  assert.ok([200, 204].includes(r.status), `DELETE environment: ${r.status} ${r.text}`);
  await rejectsWith(
    sdkFor(mock, env).passwordless.createSession({ type: 'MagicLink', email: uniqueEmail(), redirectURI: DEFAULT_REDIRECT }),
    UnauthorizedException,
    'key of a dropped environment',
  );
});

// ---- time rules: the control-plane clock -------------------------------------

async function advance(env, seconds) {
  const r = await http(mock, '/_mock/clock/advance', { method: 'POST', headers: bearer(env.api_key), json: { seconds } });
  assert.ok(r.status === 200 || r.status === 204, `POST /_mock/clock/advance: ${r.status} ${r.text}`);
}

async function now(env) {
  const body = expectJSON(await http(mock, '/_mock/clock', { headers: bearer(env.api_key) }), 200, 'GET /_mock/clock');
  assert.equal(typeof body.now, 'string');
  return new Date(body.now);
}

test('clock: advance moves this environment only', T, async () => {
  const a = await createEnvironment(mock);
  const b = await createEnvironment(mock);
  const a0 = await now(a);
  const b0 = await now(b);
  await advance(a, 3600);
  assertNear(await now(a), isoPlus(a0, 3600), 10, 'A moved one hour');
  assertNear(await now(b), b0, 10, 'B did not move');
});

test('the link still works just before 15 min and is expired just after', T, async () => {
  const env = await createEnvironment(mock);
  const workos = sdkFor(mock, env);

  const early = await workos.passwordless.createSession({ type: 'MagicLink', email: uniqueEmail(), redirectURI: DEFAULT_REDIRECT });
  const late = await workos.passwordless.createSession({ type: 'MagicLink', email: uniqueEmail(), redirectURI: DEFAULT_REDIRECT });
  await advance(env, 15 * 60 - 20);
  const ok = await click(early.link);
  assert.equal(ok.status, 302, `at 14:40 the link still works (${ok.status})`);
  assert.equal(parseRedirect(ok.location, early.link).base, DEFAULT_REDIRECT);

  await advance(env, 40);
  const expired = await click(late.link);
  assert.equal(expired.status, 302, `at 15:20 the link is expired (${expired.status})`);
  const back = parseRedirect(expired.location, late.link);
  assert.equal(back.base, DEFAULT_REDIRECT, 'an expired link sends the browser back to the app');
  assert.equal(back.params.get('error'), 'access_denied');
  assert.match(back.params.get('error_description') ?? '', /expired/);
  assert.equal(back.params.get('code'), null);

  const err = await rejectsWith(workos.passwordless.sendSession(late.id), UnprocessableEntityException, 'send of an expired session');
  assert.equal(err.message, `The passwordless session '${late.id}' has expired or is invalid.`);
});

test('the code expires after 10 min', T, async () => {
  const env = await createEnvironment(mock);
  const workos = sdkFor(mock, env);
  const s1 = await workos.passwordless.createSession({ type: 'MagicLink', email: uniqueEmail(), redirectURI: DEFAULT_REDIRECT });
  const s2 = await workos.passwordless.createSession({ type: 'MagicLink', email: uniqueEmail(), redirectURI: DEFAULT_REDIRECT });
  const code1 = parseRedirect((await click(s1.link)).location, s1.link).params.get('code');
  const code2 = parseRedirect((await click(s2.link)).location, s2.link).params.get('code');
  assert.ok(code1 && code2);

  await advance(env, 10 * 60 - 20);
  const { profile } = await workos.sso.getProfileAndToken({ code: code1, clientId: env.client_id });
  assert.equal(profile.email, s1.email);

  await advance(env, 40);
  const err = await rejectsWith(workos.sso.getProfileAndToken({ code: code2, clientId: env.client_id }), OauthException, 'expired code');
  assert.equal(err.error, 'invalid_grant');
});
