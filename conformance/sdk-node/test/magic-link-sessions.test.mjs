// Magic Link sessions through the official @workos-inc/node SDK and plain fetch: which redirect
// URI a session uses, what old SDKs' empty values mean, expiresIn's range, and Idempotency-Key
// (also across the SDK's own retry). The flow itself: magic-link.test.mjs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { UnprocessableEntityException } from '@workos-inc/node';
import {
  DEFAULT_REDIRECT,
  assertNear,
  bearer,
  clickForCode,
  createEnvironment,
  expectJSON,
  http,
  isoPlus,
  randomState,
  rejectsWith,
  sdkFor,
  startMock,
  uniqueEmail,
} from '../lib/harness.mjs';
import { assertPasswordlessSession } from '../lib/schemas.mjs';

const mock = await startMock();
after(() => mock.stop());

const T = { timeout: 60000 };
const LINK_TTL_S = 15 * 60;

test('redirect URIs: default when none is named, the named one otherwise, state optional', T, async () => {
  const second = 'http://127.0.0.1:3999/cb';
  const env = await createEnvironment(mock, { redirect_uris: [DEFAULT_REDIRECT, second] });
  const defaults = env.redirect_uris.filter((r) => r.default);
  assert.equal(defaults.length, 1, `exactly one default redirect URI: ${JSON.stringify(env.redirect_uris)}`);
  assert.deepEqual(env.redirect_uris.map((r) => r.uri).sort(), [DEFAULT_REDIRECT, second].sort());
  const defaultURI = defaults[0].uri;
  const workos = sdkFor(mock, env);

  const s1 = await workos.passwordless.createSession({ type: 'MagicLink', email: uniqueEmail() });
  await clickForCode(s1.link, defaultURI, undefined);

  const named = defaultURI === second ? DEFAULT_REDIRECT : second;
  const state = randomState();
  const s2 = await workos.passwordless.createSession({ type: 'MagicLink', email: uniqueEmail(), redirectURI: named, state });
  await clickForCode(s2.link, named, state);
});

test('raw: empty strings and expires_in 0 mean "absent" (old Go SDKs send them)', T, async () => {
  const env = await createEnvironment(mock);
  const email = uniqueEmail('go');
  const t0 = new Date();
  const r = await http(mock, '/passwordless/sessions', {
    method: 'POST',
    headers: bearer(env.api_key),
    json: { type: 'MagicLink', email, connection: '', redirect_uri: '', state: '', expires_in: 0 },
  });
  const session = assertPasswordlessSession(expectJSON(r, 201, 'POST /passwordless/sessions with empty values'));
  assertNear(new Date(session.expires_at), isoPlus(t0, LINK_TTL_S), 30, 'default TTL');
  await clickForCode(session.link, env.redirect_uris.find((u) => u.default).uri, undefined);
});

test('expiresIn: honoured inside 900..86400 s, 422 naming the range outside', T, async () => {
  const env = await createEnvironment(mock);
  const workos = sdkFor(mock, env);
  const t0 = new Date();
  const s = await workos.passwordless.createSession({ type: 'MagicLink', email: uniqueEmail(), redirectURI: DEFAULT_REDIRECT, expiresIn: 3600 });
  assertNear(new Date(s.expiresAt), isoPlus(t0, 3600), 30, 'expiresAt = now + expiresIn');

  for (const expiresIn of [60, 86401]) {
    const err = await rejectsWith(
      workos.passwordless.createSession({ type: 'MagicLink', email: uniqueEmail(), redirectURI: DEFAULT_REDIRECT, expiresIn }),
      UnprocessableEntityException,
      `expiresIn ${expiresIn}`,
    );
    assert.equal(err.status, 422);
    const raw = await http(mock, '/passwordless/sessions', {
      method: 'POST',
      headers: bearer(env.api_key),
      json: { type: 'MagicLink', email: uniqueEmail(), redirect_uri: DEFAULT_REDIRECT, expires_in: expiresIn },
    });
    const body = expectJSON(raw, 422, `expires_in ${expiresIn}`);
    assert.match(JSON.stringify(body), /900/, `the 422 names the range: ${JSON.stringify(body)}`);
    assert.match(JSON.stringify(body), /86400/, `the 422 names the range: ${JSON.stringify(body)}`);
  }
});

test('raw: a repeated POST with one Idempotency-Key makes a second session; replayed only with idempotent_replay', T, async () => {
  const env = await createEnvironment(mock);
  const email = uniqueEmail('idem');
  const key = `retry-${crypto.randomUUID()}`;
  const send = (k = key) =>
    http(mock, '/passwordless/sessions', {
      method: 'POST',
      headers: { ...bearer(env.api_key), 'Idempotency-Key': k },
      json: { type: 'MagicLink', email, redirect_uri: DEFAULT_REDIRECT },
    });
  // Like live (the 2026 SDK READMEs): the key is accepted and not deduplicated.
  const a = assertPasswordlessSession(expectJSON(await send(), 201, 'first POST'));
  const b = assertPasswordlessSession(expectJSON(await send(), 201, 'repeated POST'));
  assert.notEqual(b.id, a.id, 'the repeat is a new session');

  const settings = await http(mock, '/_mock/settings', { method: 'PUT', headers: bearer(env.api_key), json: { idempotent_replay: true } });
  assert.equal(expectJSON(settings, 200, 'PUT /_mock/settings').idempotent_replay, true);
  const k2 = `retry-${crypto.randomUUID()}`;
  const c = assertPasswordlessSession(expectJSON(await send(k2), 201, 'first POST (replay on)'));
  const d = await send(k2);
  assert.deepEqual(assertPasswordlessSession(expectJSON(d, 201, 'repeated POST (replay on)')), c, 'the retry gets the first result back');
  assert.equal(d.headers.get('idempotent-replayed'), 'true');
  assert.notEqual(expectJSON(await send(`retry-${crypto.randomUUID()}`), 201, 'POST with a new key').id, c.id, 'a new key makes a new session');
});

/** The sessions of `env` (GET /_mock/state) for `email`. */
async function sessionsFor(env, email) {
  const state = expectJSON(await http(mock, '/_mock/state', { headers: bearer(env.api_key) }), 200, 'GET /_mock/state');
  return state.state.sessions.filter((x) => x.email === email);
}

/** Waits until the journal holds `n` POST /passwordless/sessions; returns them, newest first. */
async function createsInJournal(env, n) {
  for (let i = 0; i < 100; i++) {
    const journal = expectJSON(await http(mock, '/_mock/requests', { headers: bearer(env.api_key) }), 200, 'GET /_mock/requests').data;
    const creates = journal.filter((e) => e.method === 'POST' && e.path === '/passwordless/sessions');
    if (creates.length >= n) return creates;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the journal never showed ${n} POST /passwordless/sessions`);
}

/**
 * The SDK's own retry: the first attempt is slow (a delay fault, longer than the client's
 * timeout), so the SDK gives up, waits and sends the POST again with the same Idempotency-Key,
 * while the server still runs the first one. Returns what createSession resolved to and the
 * sessions the environment ends up with for that email.
 */
async function createRetriedByTheSdk(env) {
  const fault = await http(mock, '/_mock/faults', {
    method: 'POST',
    headers: bearer(env.api_key),
    json: { method: 'POST', path: '/passwordless/sessions', delay_ms: 3000, times: 1 },
  });
  expectJSON(fault, 201, 'POST /_mock/faults');
  const { WorkOS } = await import('@workos-inc/node');
  const workos = new WorkOS(env.api_key, { apiHostname: '127.0.0.1', port: mock.port, https: false, clientId: env.client_id, timeout: 1000, maxRetries: 1 });
  const email = uniqueEmail('retry');
  const session = await workos.passwordless.createSession({ type: 'MagicLink', email, redirectURI: DEFAULT_REDIRECT });
  const creates = await createsInJournal(env, 2); // the slow first attempt finishes too
  const keys = new Set(creates.map((e) => e.headers['Idempotency-Key'] ?? e.headers['idempotency-key']));
  assert.equal(keys.size, 1, `one Idempotency-Key across the SDK's attempts: ${[...keys].join(', ')}`);
  assert.ok([...keys][0], 'the SDK sent an Idempotency-Key');
  return { session, sessions: await sessionsFor(env, email) };
}

test('SDK: createSession retried after a timeout makes two sessions by default, like live', T, async () => {
  const env = await createEnvironment(mock);
  const { session, sessions } = await createRetriedByTheSdk(env);
  assert.equal(sessions.length, 2, `two sessions for one createSession call: ${sessions.map((x) => x.id).join(', ')}`);
  assert.ok(sessions.some((x) => x.id === session.id), 'the SDK returned one of them');
});

test('SDK: with idempotent_replay on, the same retried createSession makes one session', T, async () => {
  const env = await createEnvironment(mock, { redirect_uris: [DEFAULT_REDIRECT], idempotent_replay: true });
  const { session, sessions } = await createRetriedByTheSdk(env);
  assert.deepEqual(sessions.map((x) => x.id), [session.id], 'one session, the one the SDK returned');
});
