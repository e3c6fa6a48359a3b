// Error replies: the SDK must map them to the same exceptions it raises
// against the live API, and the raw bodies must have the live shapes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { UnauthorizedException, UnprocessableEntityException } from '@workos-inc/node';
import {
  DEFAULT_REDIRECT,
  bearer,
  createEnvironment,
  expectJSON,
  http,
  rejectsWith,
  sdkFor,
  startMock,
  uniqueEmail,
} from '../lib/harness.mjs';
import { assertSpecResponse, assertValidationError } from '../lib/schemas.mjs';

const mock = await startMock();
after(() => mock.stop());

const T = { timeout: 60000 };
const UNKNOWN_SESSION = 'passwordless_session_01EJBS3JSXFE2DP6JC6ZVBZ095';
const invalidSessionMessage = (id) => `The passwordless session '${id}' has expired or is invalid.`;

const createRaw = (env, json, key = env.api_key) =>
  http(mock, '/passwordless/sessions', { method: 'POST', headers: key ? bearer(key) : {}, json });

test('createSession with a malformed email → UnprocessableEntityException (422)', T, async () => {
  const env = await createEnvironment(mock);
  const workos = sdkFor(mock, env);
  const err = await rejectsWith(
    workos.passwordless.createSession({ type: 'MagicLink', email: 'not-an-email', redirectURI: DEFAULT_REDIRECT }),
    UnprocessableEntityException,
    'bad email',
  );
  assert.equal(err.status, 422);
  assert.ok(err.requestID, 'the exception carries the X-Request-ID');

  const raw = expectJSON(await createRaw(env, { type: 'MagicLink', email: 'not-an-email', redirect_uri: DEFAULT_REDIRECT }), 422, 'bad email');
  assertValidationError(raw);
  assert.ok(Array.isArray(raw.errors), `a validation 422 lists errors[]: ${JSON.stringify(raw)}`);
  assert.ok(raw.errors.some((e) => e.field === 'email'), `errors[] names the email field: ${JSON.stringify(raw)}`);
});

test('raw: missing email / wrong type / disallowed redirect URI → 422', T, async () => {
  const env = await createEnvironment(mock);

  const missing = assertValidationError(expectJSON(await createRaw(env, { type: 'MagicLink' }), 422, 'missing email'));
  assert.ok(missing.errors?.some((e) => e.field === 'email'), `errors[] names email: ${JSON.stringify(missing)}`);

  const badType = assertValidationError(expectJSON(await createRaw(env, { type: 'SMS', email: uniqueEmail() }), 422, 'type SMS'));
  assert.ok(badType.errors?.some((e) => e.field === 'type'), `errors[] names type: ${JSON.stringify(badType)}`);

  const workos = sdkFor(mock, env);
  for (const redirectURI of ['http://localhost:3000/other', 'http://localhost:3000/callback/', 'http://localhost:3000/callback?x=1', 'https://evil.example.com/callback']) {
    const err = await rejectsWith(
      workos.passwordless.createSession({ type: 'MagicLink', email: uniqueEmail(), redirectURI }),
      UnprocessableEntityException,
      `redirect URI ${redirectURI}`,
    );
    assert.equal(err.status, 422);
  }
});

test('a wrong or missing API key → UnauthorizedException (401 {"message":"Unauthorized"})', T, async () => {
  const env = await createEnvironment(mock);
  const wrong = sdkFor(mock, env, 'sk_test_not_a_real_key');
  const err = await rejectsWith(
    wrong.passwordless.createSession({ type: 'MagicLink', email: uniqueEmail(), redirectURI: DEFAULT_REDIRECT }),
    UnauthorizedException,
    'wrong key',
  );
  assert.equal(err.status, 401);

  const e2 = await rejectsWith(wrong.passwordless.sendSession(UNKNOWN_SESSION), UnauthorizedException, 'wrong key, send');
  assert.equal(e2.status, 401);

  for (const key of ['sk_test_not_a_real_key', null]) {
    const r = await createRaw(env, { type: 'MagicLink', email: uniqueEmail(), redirect_uri: DEFAULT_REDIRECT }, key);
    assert.deepEqual(expectJSON(r, 401, key ? 'wrong key' : 'no key'), { message: 'Unauthorized' });
  }
});

test('sendSession of an unknown id → 422 "has expired or is invalid"', T, async () => {
  const env = await createEnvironment(mock);
  const workos = sdkFor(mock, env);
  const err = await rejectsWith(workos.passwordless.sendSession(UNKNOWN_SESSION), UnprocessableEntityException, 'unknown session');
  assert.equal(err.status, 422);
  assert.equal(err.message, invalidSessionMessage(UNKNOWN_SESSION));
  assert.ok(err.requestID, 'the exception carries the X-Request-ID');

  const raw = await http(mock, `/passwordless/sessions/${UNKNOWN_SESSION}/send`, { method: 'POST', headers: bearer(env.api_key), json: {} });
  assert.deepEqual(expectJSON(raw, 422, 'unknown session'), { message: invalidSessionMessage(UNKNOWN_SESSION) });

  // The id the Ruby SDK's recording used, which is not even a well-formed id.
  const r2 = await http(mock, '/passwordless/sessions/session_123/send', { method: 'POST', headers: bearer(env.api_key), json: {} });
  assert.deepEqual(expectJSON(r2, 422, 'session_123'), { message: invalidSessionMessage('session_123') });
});

test('raw: /send ignores its body (empty, none, or the old Go SDK\'s struct)', T, async () => {
  const env = await createEnvironment(mock);
  const workos = sdkFor(mock, env);
  for (const [label, init] of [
    ['no body', {}],
    ['empty body with JSON type', { body: '', headers: { 'Content-Type': 'application/json' } }],
    ['Go struct', { json: { SessionID: 'x' } }],
  ]) {
    const s = await workos.passwordless.createSession({ type: 'MagicLink', email: uniqueEmail(), redirectURI: DEFAULT_REDIRECT });
    const r = await http(mock, `/passwordless/sessions/${s.id}/send`, { method: 'POST', ...init, headers: { ...bearer(env.api_key), ...(init.headers ?? {}) } });
    assert.deepEqual(expectJSON(r, 201, `send with ${label}`), { success: true });
  }
});

test('environments are isolated: one environment cannot send another\'s session', T, async () => {
  const a = await createEnvironment(mock);
  const b = await createEnvironment(mock);
  assert.notEqual(a.api_key, b.api_key);
  assert.notEqual(a.client_id, b.client_id);
  const s = await sdkFor(mock, a).passwordless.createSession({ type: 'MagicLink', email: uniqueEmail(), redirectURI: DEFAULT_REDIRECT });
  const err = await rejectsWith(sdkFor(mock, b).passwordless.sendSession(s.id), UnprocessableEntityException, 'foreign session');
  assert.equal(err.message, invalidSessionMessage(s.id));
  // …and the outbox of B stays empty for that address.
  const r = await http(mock, `/_mock/outbox/latest?email=${encodeURIComponent(s.email)}`, { headers: bearer(b.api_key) });
  assert.equal(r.status, 404, 'no email in the other environment');
});

test('getProfile with a bogus access token → UnauthorizedException; raw 401 matches the spec', T, async () => {
  const env = await createEnvironment(mock);
  const workos = sdkFor(mock, env);
  const err = await rejectsWith(workos.sso.getProfile({ accessToken: 'not-a-token' }), UnauthorizedException, 'bogus access token');
  assert.equal(err.status, 401);
  const r = await http(mock, '/sso/profile', { headers: bearer('not-a-token') });
  assertSpecResponse('/sso/profile', 'get', 401, expectJSON(r, 401, 'GET /sso/profile bogus token'));
  // An API key is not an access token either.
  const r2 = await http(mock, '/sso/profile', { headers: bearer(env.api_key) });
  assert.equal(r2.status, 401, 'the API key is not accepted as an access token');
});

test('outbox: 404 when no email was sent to the address', T, async () => {
  const env = await createEnvironment(mock);
  const r = await http(mock, `/_mock/outbox/latest?email=${encodeURIComponent(uniqueEmail('nobody'))}`, { headers: bearer(env.api_key) });
  assert.equal(r.status, 404);
});
