// Sign-in outcomes at the mock IdP through the official SDK's flow: getAuthorizationUrl → the
// browser's redirects → the app's callback, which gets error, error_description, error_uri and
// state, and no code. One test per outcome, plus each way of asking for one (a connection user's
// configured outcome, the organization's domain policy, the control-plane queue).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_REDIRECT,
  bearer,
  click,
  createEnvironment,
  expectJSON,
  http,
  randomState,
  sdkFor,
  startMock,
} from '../lib/harness.mjs';

const mock = await startMock();
after(() => mock.stop());

const T = { timeout: 60000 };
const ERROR_URI = 'https://workos.com/docs/reference/sso/get-authorization-url/error-codes';

const OUTCOMES = [
  'access_denied',
  'signin_consent_denied',
  'profile_not_allowed_outside_organization',
  'oauth_failed',
  'server_error',
  'idp_initiated_sso_disabled',
];

// An environment with one organization (verified domain acme.test) and its Okta connection.
async function acmeEnvironment(users = [{ email: 'ann@acme.test', first_name: 'Ann' }]) {
  return createEnvironment(mock, {
    redirect_uris: [DEFAULT_REDIRECT],
    organizations: [{ id: 'org_acme', name: 'Acme', domains: ['acme.test'] }],
    connections: [{ id: 'conn_acme', type: 'OktaSAML', name: 'Acme Okta', organization: 'org_acme', users }],
  });
}

/** The browser: follows redirects that stay on the mock until one goes to the app. */
async function browseToApp(url) {
  let current = url;
  const hops = [];
  for (let i = 0; i < 6; i++) {
    const r = await click(current);
    hops.push(`GET ${current} → ${r.status}`);
    assert.ok(r.status >= 300 && r.status < 400 && r.location, `the flow stopped at the mock: ${hops.join('\n')}\n${r.text.slice(0, 300)}`);
    const next = new URL(r.location, current);
    if (`${next.origin}${next.pathname}` === DEFAULT_REDIRECT) return next.searchParams;
    assert.equal(next.origin, mock.baseURL, `hop ${i + 1} leaves the mock for ${next.href}`);
    current = next.href;
  }
  throw new Error(`no redirect to the app: ${hops.join('\n')}`);
}

/** What the app's callback must get for a failed sign-in. */
function assertFailure(params, error, state) {
  assert.equal(params.get('error'), error);
  assert.ok(params.get('error_description'), 'error_description');
  assert.equal(params.get('error_uri'), ERROR_URI);
  assert.equal(params.get('state'), state);
  assert.equal(params.get('code'), null, 'no code with an error');
}

async function signIns(env, state) {
  const r = await http(mock, `/_mock/sso/sign-ins?state=${encodeURIComponent(state)}`, { headers: bearer(env.api_key) });
  return expectJSON(r, 200, 'GET /_mock/sso/sign-ins').data;
}

for (const outcome of OUTCOMES) {
  test(`outcome ${outcome}: queued for the connection, the SDK's sign-in comes back with it and no code`, T, async () => {
    const env = await acmeEnvironment();
    const queued = expectJSON(await http(mock, '/_mock/sso/outcomes', {
      method: 'POST', headers: bearer(env.api_key), json: { connection: 'conn_acme', outcome, times: 1 },
    }), 201, 'POST /_mock/sso/outcomes');
    assert.equal(queued.outcome, outcome);

    const workos = sdkFor(mock, env);
    const state = randomState();
    const url = workos.sso.getAuthorizationUrl({ organization: 'org_acme', redirectUri: DEFAULT_REDIRECT, clientId: env.client_id, state });
    const params = await browseToApp(url);
    assertFailure(params, outcome, state);
    if (outcome === 'signin_consent_denied') assert.equal(params.get('error_description'), 'User cancelled the authentication request');
    if (outcome === 'idp_initiated_sso_disabled') {
      assert.equal(params.get('connection_id'), 'conn_acme');
      assert.equal(params.get('organization_id'), 'org_acme');
    } else {
      assert.equal(params.get('connection_id'), null);
    }
    const [record] = await signIns(env, state);
    assert.equal(record.status, 'failed');
    assert.equal(record.error, outcome);
    assert.equal(record.source, 'queued');

    // Used up: the next sign-in gets a code the SDK exchanges.
    const next = await browseToApp(workos.sso.getAuthorizationUrl({ organization: 'org_acme', redirectUri: DEFAULT_REDIRECT, clientId: env.client_id, state }));
    assert.equal(next.get('error'), null);
    const { profile } = await workos.sso.getProfileAndToken({ code: next.get('code'), clientId: env.client_id });
    assert.equal(profile.email, 'ann@acme.test');
  });
}

test('a connection user\'s configured outcome ends every sign-in as that user', T, async () => {
  const env = await acmeEnvironment([
    { email: 'ann@acme.test' },
    { email: 'locked@acme.test', outcome: 'access_denied' },
  ]);
  const workos = sdkFor(mock, env);
  for (let i = 0; i < 2; i++) {
    const state = randomState();
    const params = await browseToApp(workos.sso.getAuthorizationUrl({
      connection: 'conn_acme', redirectUri: DEFAULT_REDIRECT, clientId: env.client_id, state, loginHint: 'locked@acme.test',
    }));
    assertFailure(params, 'access_denied', state);
    assert.equal((await signIns(env, state))[0].source, 'user');
  }
});

test('domain policy: a profile outside the organization\'s verified domains is refused; Google is exempt', T, async () => {
  const env = await createEnvironment(mock, {
    redirect_uris: [DEFAULT_REDIRECT],
    organizations: [
      { id: 'org_acme', name: 'Acme', domains: ['acme.test'] },
      { id: 'org_guests', name: 'Guests', domains: ['guests.test'], allow_profiles_outside_organization: true },
    ],
    connections: [
      { id: 'conn_acme', type: 'OktaSAML', organization: 'org_acme' },
      { id: 'conn_google', type: 'GoogleOAuth', organization: 'org_acme' },
      { id: 'conn_guests', type: 'OktaSAML', organization: 'org_guests' },
    ],
  });
  const org = expectJSON(await http(mock, '/organizations/org_guests', { headers: bearer(env.api_key) }), 200, 'GET /organizations/org_guests');
  assert.equal(org.allow_profiles_outside_organization, true);
  const workos = sdkFor(mock, env);
  const url = (connection, loginHint, state) =>
    workos.sso.getAuthorizationUrl({ connection, redirectUri: DEFAULT_REDIRECT, clientId: env.client_id, state, loginHint });

  const state = randomState();
  const refused = await browseToApp(url('conn_acme', 'contractor@elsewhere.test', state));
  assertFailure(refused, 'profile_not_allowed_outside_organization', state);
  assert.match(refused.get('error_description'), /contractor@elsewhere\.test.*org_acme.*acme\.test/);
  assert.equal((await signIns(env, state))[0].source, 'domain_policy');

  for (const [connection, email] of [['conn_acme', 'ann@acme.test'], ['conn_google', 'someone@gmail.com'], ['conn_guests', 'designer@studio.test']]) {
    const ok = await browseToApp(url(connection, email, randomState()));
    assert.equal(ok.get('error'), null, `${connection} ${email}: ${ok.get('error_description')}`);
    const { profile } = await workos.sso.getProfileAndToken({ code: ok.get('code'), clientId: env.client_id });
    assert.equal(profile.email, email);
  }
});

test('control plane: queued outcomes are listed, used up per sign-in, and cleared', T, async () => {
  const env = await acmeEnvironment();
  const headers = bearer(env.api_key);
  expectJSON(await http(mock, '/_mock/sso/outcomes', { method: 'POST', headers, json: { outcome: 'server_error', times: 3 } }), 201, 'queue');
  const bad = expectJSON(await http(mock, '/_mock/sso/outcomes', { method: 'POST', headers, json: { outcome: 'nope' } }), 422, 'bad outcome');
  assert.equal(bad.errors[0].field, 'outcome');
  const workos = sdkFor(mock, env);
  await browseToApp(workos.sso.getAuthorizationUrl({ connection: 'conn_acme', redirectUri: DEFAULT_REDIRECT, clientId: env.client_id }));
  const listed = expectJSON(await http(mock, '/_mock/sso/outcomes', { headers }), 200, 'list');
  assert.equal(listed.data.length, 1);
  assert.equal(listed.data[0].remaining, 2);
  const cleared = await http(mock, '/_mock/sso/outcomes', { method: 'DELETE', headers });
  assert.equal(cleared.status, 204);
  const params = await browseToApp(workos.sso.getAuthorizationUrl({ connection: 'conn_acme', redirectUri: DEFAULT_REDIRECT, clientId: env.client_id }));
  assert.ok(params.get('code'));
});
