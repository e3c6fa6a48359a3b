// What the browser tests (inbox.test.mjs, idp.test.mjs) share: chromium's flags, the workos-mock
// they start, a fake app that records what reaches it, and a JSON helper for the API and the
// control plane. Env: WORKOS_MOCK_BIN (the server binary), SCREENSHOT_DIR (where shots go).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = process.env.WORKOS_MOCK_BIN;
export const SHOTS = process.env.SCREENSHOT_DIR || tmpdir();
export const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** workos-mock on an ephemeral port (its --port-file in `dir`), with `extraArgs`: { proc, base }. */
export async function startMock(dir, extraArgs = []) {
  const portFile = join(dir, 'port');
  const proc = spawn(BIN, ['--port', '0', '--log', 'off', ...extraArgs, '--port-file', portFile],
    { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 100 && !existsSync(portFile); i++) await sleep(100);
  assert.ok(existsSync(portFile), 'workos-mock did not start');
  return { proc, base: `http://127.0.0.1:${readFileSync(portFile, 'utf8').trim()}` };
}

/**
 * A fake app on an ephemeral port that answers every request with the HTML `page`. What
 * `record(url, req)` returns for a request (unless undefined) is pushed to `hits`.
 * Returns { server, hits, callback } (callback: its /callback URL).
 */
export async function startApp(record, page) {
  const hits = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://app');
    const hit = record(url, req);
    if (hit !== undefined) hits.push(hit);
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, hits, callback: `http://127.0.0.1:${server.address().port}/callback` };
}

/** A JSON request that must succeed (2xx); the parsed reply, or null when empty. */
export async function api(base, method, path, key, body) {
  const res = await fetch(base + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...(key ? { Authorization: `Bearer ${key}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
