// Test harness: starts workos-mock, creates isolated environments through the
// control plane, builds SDK clients the way users do, and offers a few raw
// HTTP helpers for checking wire bodies.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import assert from 'node:assert/strict';
import { WorkOS } from '@workos-inc/node';
import { assertEnvironment } from './schemas.mjs';

// The SDK falls back to these when a key/client id is not passed; the tests
// always pass their own, so nothing from the caller's shell may leak in.
delete process.env.WORKOS_API_KEY;
delete process.env.WORKOS_CLIENT_ID;

export const DEFAULT_REDIRECT = 'http://localhost:3000/callback';
const LISTENING = /^workos-mock listening on (http:\/\/127\.0\.0\.1:(\d+))$/;
const START_TIMEOUT_MS = 15000;
const STOP_TIMEOUT_MS = 10000;
export const HTTP_TIMEOUT_MS = 15000;

/**
 * Spawns `$WORKOS_MOCK_BIN --port 0` and waits for its first stdout line.
 * Returns { baseURL, port, proc, stop() }; stop() sends SIGTERM and resolves
 * with { code, signal } once the process has exited.
 */
export async function startMock(extraArgs = []) {
  const bin = process.env.WORKOS_MOCK_BIN;
  if (!bin) throw new Error('WORKOS_MOCK_BIN is not set: point it at the workos-mock binary (see scripts/sdk-node-test)');
  const proc = spawn(bin, ['--port', '0', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => {
    if (stderr.length < 64 * 1024) stderr += d;
  });
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const spawnError = new Promise((_, reject) => proc.once('error', reject));

  const lines = createInterface({ input: proc.stdout });
  const firstLine = new Promise((resolve) => lines.once('line', resolve));
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`workos-mock printed no line within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
  });
  let line;
  try {
    line = await Promise.race([
      firstLine,
      spawnError,
      timeout,
      exited.then(({ code, signal }) => {
        throw new Error(`workos-mock exited before listening (code ${code}, signal ${signal})`);
      }),
    ]);
  } catch (err) {
    proc.kill('SIGKILL');
    err.message += `\nstderr:\n${stderr}`;
    throw err;
  } finally {
    clearTimeout(timer);
  }
  // Keep draining stdout so the server never blocks on a full pipe.
  lines.on('line', () => {});

  const m = LISTENING.exec(line);
  if (!m) {
    proc.kill('SIGKILL');
    throw new Error(`first stdout line of workos-mock is not "workos-mock listening on http://127.0.0.1:PORT": ${JSON.stringify(line)}`);
  }
  const port = Number(m[2]);
  return {
    baseURL: m[1],
    port,
    proc,
    get stderr() {
      return stderr;
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return exited;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
      const result = await exited;
      clearTimeout(t);
      return result;
    },
  };
}

/** Raw request against the mock. Returns { res, status, headers, text, json }. */
export async function http(mock, path, { method = 'GET', headers = {}, body, json, form, redirect = 'manual' } = {}) {
  const init = { method, headers: { ...headers }, redirect, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) };
  if (json !== undefined) {
    init.headers['Content-Type'] ??= 'application/json';
    init.body = JSON.stringify(json);
  } else if (form !== undefined) {
    init.headers['Content-Type'] ??= 'application/x-www-form-urlencoded;charset=utf-8';
    init.body = new URLSearchParams(form).toString();
  } else if (body !== undefined) {
    init.body = body;
  }
  const url = /^https?:/.test(path) ? path : mock.baseURL + path;
  const res = await fetch(url, init);
  const text = await res.text();
  let parsed;
  if (/application\/json/i.test(res.headers.get('content-type') ?? '') && text.length > 0) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  return { res, status: res.status, headers: res.headers, text, json: parsed };
}

export const bearer = (key) => ({ Authorization: `Bearer ${key}` });

/** Asserts a JSON reply: status, JSON content type, an X-Request-ID; returns the body. */
export function expectJSON(r, status, what = '') {
  const label = `${what} ${r.res.url}`.trim();
  assert.equal(r.status, status, `${label}: expected status ${status}, got ${r.status}: ${r.text.slice(0, 500)}`);
  assert.match(r.headers.get('content-type') ?? '', /application\/json/i, `${label}: JSON content type expected`);
  assert.ok(r.headers.get('x-request-id'), `${label}: X-Request-ID header expected`);
  assert.notEqual(r.json, undefined, `${label}: body is not JSON: ${r.text.slice(0, 200)}`);
  return r.json;
}

/**
 * POST /_mock/environments → a fresh isolated environment.
 * Returns the parsed body: { name, api_key, client_id, redirect_uris, ... }.
 */
export async function createEnvironment(mock, body = { redirect_uris: [DEFAULT_REDIRECT] }) {
  const r = await http(mock, '/_mock/environments', { method: 'POST', json: body });
  const env = expectJSON(r, 201, 'POST /_mock/environments');
  assertEnvironment(env);
  return env;
}

/** The SDK, constructed exactly as a user points it at a local server. */
export function sdkFor(mock, env, apiKey = env.api_key) {
  return new WorkOS(apiKey, { apiHostname: '127.0.0.1', port: mock.port, https: false, clientId: env.client_id });
}

export function uniqueEmail(prefix = 'user') {
  const tag = randomBytes(5).toString('hex');
  return `${prefix}-${tag}@${tag}.example.com`;
}

export const randomState = () => randomBytes(12).toString('base64url');

/** "Clicks" a magic link the way a browser would start to: GET, no redirect following. */
export async function click(link) {
  const res = await fetch(link, { redirect: 'manual', signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  const text = await res.text();
  return { res, status: res.status, headers: res.headers, location: res.headers.get('location'), text };
}

/** Parses a redirect Location into { base (origin+path), params }. */
export function parseRedirect(location, against) {
  const u = new URL(location, against);
  return { base: `${u.origin}${u.pathname}`, params: u.searchParams, url: u };
}

/** Clicks the link and asserts the 302 back to the app; returns the code. */
export async function clickForCode(link, redirectURI, state) {
  const r = await click(link);
  assert.equal(r.status, 302, `first visit of ${link}: expected 302, got ${r.status}: ${r.text.slice(0, 300)}`);
  assert.ok(r.location, 'first visit: a Location header');
  const { base, params } = parseRedirect(r.location, link);
  assert.equal(base, redirectURI, `first visit redirects to the session's redirect URI (Location: ${r.location})`);
  const code = params.get('code');
  assert.ok(code, `first visit: ?code= in ${r.location}`);
  if (state === undefined) assert.equal(params.get('state'), null, `no state was given, so none is expected in ${r.location}`);
  else assert.equal(params.get('state'), state, 'state comes back verbatim');
  return code;
}

/** GET /_mock/outbox/latest?email=… (control plane, environment-scoped). */
export async function latestEmail(mock, env, email, { wait } = {}) {
  const q = new URLSearchParams({ email });
  if (wait !== undefined) q.set('wait', String(wait));
  return http(mock, `/_mock/outbox/latest?${q}`, { headers: bearer(env.api_key) });
}

/** Asserts that `promise` rejects with an error of class `Cls`; returns the error. */
export async function rejectsWith(promise, Cls, what) {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  assert.ok(err, `${what}: expected ${Cls.name}, but the call succeeded`);
  assert.ok(err instanceof Cls, `${what}: expected ${Cls.name}, got ${err?.name}: ${err?.message}`);
  return err;
}

export const isoPlus = (date, seconds) => new Date(date.getTime() + seconds * 1000);

/** |a - b| <= tolerance seconds. */
export function assertNear(actual, expected, toleranceSec, what) {
  const d = Math.abs(actual.getTime() - expected.getTime()) / 1000;
  assert.ok(d <= toleranceSec, `${what}: ${actual.toISOString()} is ${d.toFixed(1)} s from the expected ${expected.toISOString()} (tolerance ${toleranceSec} s)`);
}
