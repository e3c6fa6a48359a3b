// SSO connections through the SDK and raw: the MagicLink connection auto-created per domain,
// list/get, the spec's shapes, pagination, delete, and per-environment isolation. Everything
// must pass: nothing is skipped.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundException } from '@workos-inc/node';
import {
  DEFAULT_REDIRECT,
  bearer,
  click,
  createEnvironment,
  expectJSON,
  http,
  parseRedirect,
  rejectsWith,
  sdkFor,
  startMock,
  uniqueEmail,
} from '../lib/harness.mjs';
import { CROCKFORD, assertSpecResponse, assertSpecSchema } from '../lib/schemas.mjs';

const mock = await startMock();
after(() => mock.stop());

const T = { timeout: 60000 };

/** A magic-link session for user@domain, which auto-creates the MagicLink connection. */
async function magicLinkConnectionFor(workos, domain) {
  await workos.passwordless.createSession({ type: 'MagicLink', email: `user@${domain}`, redirectURI: DEFAULT_REDIRECT });
  const list = await workos.sso.listConnections({ domain });
  assert.equal(list.data.length, 1, `one connection for ${domain}: ${JSON.stringify(list.data)}`);
  return list.data[0];
}

test('a MagicLink connection is auto-created per domain; list/get through the SDK', T, async () => {
  const env = await createEnvironment(mock);
  const workos = sdkFor(mock, env);
  const email = uniqueEmail('conn');
  const domain = email.split('@')[1];

  const empty = await workos.sso.listConnections({ domain });
  assert.deepEqual(empty.data, [], 'no connection before the first session');

  const conn = await magicLinkConnectionFor(workos, domain);
  assert.equal(conn.object, 'connection');
  assert.match(conn.id, new RegExp(`^conn_${CROCKFORD}$`));
  assert.equal(conn.type, 'MagicLink');
  assert.equal(conn.state, 'active');
  assert.deepEqual(conn.domains.map((d) => d.domain), [domain]);
  for (const d of conn.domains) {
    assert.equal(d.object, 'connection_domain');
    assert.match(d.id, /^org_domain_/);
  }

  // A second session for the same domain reuses the connection.
  await workos.passwordless.createSession({ type: 'MagicLink', email: `other@${domain}`, redirectURI: DEFAULT_REDIRECT });
  const again = await workos.sso.listConnections({ domain });
  assert.deepEqual(again.data.map((c) => c.id), [conn.id]);

  const byType = await workos.sso.listConnections({ connectionType: 'MagicLink' });
  assert.ok(byType.data.some((c) => c.id === conn.id));

  assert.deepEqual(await workos.sso.getConnection(conn.id), conn);

  // The profile of a login through that domain names the connection.
  const s = await workos.passwordless.createSession({ type: 'MagicLink', email, redirectURI: DEFAULT_REDIRECT });
  const code = parseRedirect((await click(s.link)).location, s.link).params.get('code');
  const { profile } = await workos.sso.getProfileAndToken({ code, clientId: env.client_id });
  assert.equal(profile.connectionId, conn.id);
});

async function threeConnections(workos) {
  const domains = ['a', 'b', 'c'].map((p) => `${p}-${uniqueEmail().split('@')[1]}`);
  const conns = [];
  for (const d of domains) conns.push(await magicLinkConnectionFor(workos, d));
  return conns;
}

test('raw: GET /connections and /connections/{id} match the spec', T, async () => {
  const env = await createEnvironment(mock);
  const conns = await threeConnections(sdkFor(mock, env));

  const all = expectJSON(await http(mock, '/connections?order=desc', { headers: bearer(env.api_key) }), 200, 'GET /connections');
  assert.equal(all.object, 'list');
  for (const c of conns) assert.ok(all.data.some((d) => d.id === c.id), `${c.id} listed`);
  assertSpecResponse('/connections', 'get', 200, all);
  assertSpecSchema('ConnectionList', all);

  const one = expectJSON(await http(mock, `/connections/${conns[0].id}`, { headers: bearer(env.api_key) }), 200, 'GET /connections/{id}');
  assert.equal(one.connection_type, 'MagicLink');
  assert.equal(one.name, 'MagicLink');
  assertSpecResponse('/connections/{id}', 'get', 200, one);
});

test('connections pagination: limit, order, before/after cursors (SDK and raw)', T, async () => {
  const env = await createEnvironment(mock);
  const workos = sdkFor(mock, env);
  const conns = await threeConnections(workos);

  // Pages of one, newest first, walked with the SDK's cursors.
  const seen = [];
  let page = await workos.sso.listConnections({ limit: 1, connectionType: 'MagicLink' });
  for (let i = 0; i < 10; i++) {
    assert.ok(page.data.length <= 1);
    seen.push(...page.data.map((c) => c.id));
    if (!page.listMetadata.after) break;
    page = await workos.sso.listConnections({ limit: 1, connectionType: 'MagicLink', after: page.listMetadata.after });
  }
  assert.deepEqual(seen, conns.map((c) => c.id).reverse(), 'order=desc (the default) is newest first; after walks forward');

  const auto = await (await workos.sso.listConnections({ connectionType: 'MagicLink' })).autoPagination();
  assert.deepEqual(auto.map((c) => c.id).sort(), conns.map((c) => c.id).sort());

  const raw1 = expectJSON(await http(mock, '/connections?limit=1&order=asc', { headers: bearer(env.api_key) }), 200, 'GET /connections?limit=1');
  assert.equal(raw1.data.length, 1);
  assert.equal(raw1.data[0].id, conns[0].id, 'order=asc starts with the oldest');
  assert.equal(raw1.list_metadata.after, conns[0].id, 'after = the last id of the page');
  assert.equal(raw1.list_metadata.before, null, 'before is null on the first page');

  const raw2 = expectJSON(await http(mock, `/connections?limit=1&order=asc&after=${conns[0].id}`, { headers: bearer(env.api_key) }), 200, 'second page');
  assert.deepEqual(raw2.data.map((c) => c.id), [conns[1].id]);
  assert.equal(raw2.list_metadata.before, conns[1].id, 'before = the first id of a later page');
  assert.equal(raw2.list_metadata.after, conns[1].id);

  const last = expectJSON(await http(mock, `/connections?limit=1&order=asc&after=${conns[1].id}`, { headers: bearer(env.api_key) }), 200, 'last page');
  assert.deepEqual(last.data.map((c) => c.id), [conns[2].id]);
  assert.equal(last.list_metadata.after, null, 'after is null on the last page');

  const back = expectJSON(await http(mock, `/connections?limit=1&order=asc&before=${conns[2].id}`, { headers: bearer(env.api_key) }), 200, 'before cursor');
  assert.deepEqual(back.data.map((c) => c.id), [conns[1].id], 'before walks back');
});

test('deleteConnection → 204; then 404 {"message":"Not Found"} / NotFoundException', T, async () => {
  const env = await createEnvironment(mock);
  const workos = sdkFor(mock, env);
  const c1 = await magicLinkConnectionFor(workos, uniqueEmail().split('@')[1]);
  const c2 = await magicLinkConnectionFor(workos, uniqueEmail().split('@')[1]);

  assert.equal(await workos.sso.deleteConnection(c1.id), undefined);
  const err = await rejectsWith(workos.sso.getConnection(c1.id), NotFoundException, 'deleted connection');
  assert.equal(err.status, 404);

  const raw = await http(mock, `/connections/${c2.id}`, { method: 'DELETE', headers: bearer(env.api_key) });
  assert.equal(raw.status, 204);
  assert.equal(raw.text, '', '204 has no body');

  const gone = await http(mock, `/connections/${c2.id}`, { headers: bearer(env.api_key) });
  const body = expectJSON(gone, 404, 'GET deleted connection');
  assertSpecResponse('/connections/{id}', 'get', 404, body);
  assert.deepEqual(body, { message: 'Not Found' });

  const delAgain = await http(mock, `/connections/${c2.id}`, { method: 'DELETE', headers: bearer(env.api_key) });
  assert.deepEqual(expectJSON(delAgain, 404, 'DELETE deleted connection'), { message: 'Not Found' });
  await rejectsWith(workos.sso.deleteConnection('conn_01AAAAAAAAAAAAAAAAAAAAAAAA'), NotFoundException, 'delete unknown');

  const remaining = await workos.sso.listConnections();
  assert.ok(!remaining.data.some((c) => c.id === c1.id || c.id === c2.id));
});

test('connections are per environment', T, async () => {
  const a = await createEnvironment(mock);
  const b = await createEnvironment(mock);
  const c = await magicLinkConnectionFor(sdkFor(mock, a), uniqueEmail().split('@')[1]);
  await rejectsWith(sdkFor(mock, b).sso.getConnection(c.id), NotFoundException, 'connection of another environment');
  const listB = await sdkFor(mock, b).sso.listConnections();
  assert.ok(!listB.data.some((x) => x.id === c.id));
});
