// A callback that takes down its own process: do NOT copy this.
//
// It behaves like the callback of WorkOS's Node Magic Link example (node-example-applications,
// node-magic-link-example): it reads only ?code=, awaits the code exchange without handling a
// failure, and has no error page. In that example (Express 4) a rejected async route handler is
// an unhandled rejection, and Node ends the process on one. So the first browser that comes back
// with ?error=access_denied (a link a mail scanner already used, an expired link, a refused SSO
// sign-in) takes the site down for everyone. This file reproduces exactly that with node:http, so
// `workos-client golive` has something to catch (examples/golive-test.sh, README "Go-live").
// app.js beside it is the same sign-in done right.
//
// Configured like app.js: WORKOS_API_KEY, WORKOS_CLIENT_ID, WORKOS_BASE_URL (the mock), PORT.
'use strict';

const http = require('node:http');
const { WorkOS } = require('@workos-inc/node');
const { workosOptions } = require('./app.js');

const clientId = process.env.WORKOS_CLIENT_ID;
const workos = new WorkOS(process.env.WORKOS_API_KEY, {
  ...workosOptions(process.env.WORKOS_BASE_URL),
  clientId,
});

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/callback') {
    // No look at ?error=; without a code this exchanges "undefined", which the API refuses, and
    // the rejection escapes the handler.
    const code = url.searchParams.get('code') ?? undefined;
    const { profile } = await workos.sso.getProfileAndToken({ code, clientId });
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(`Signed in as ${profile.email}\n`);
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('naive-callback-app\n');
});

server.listen(Number(process.env.PORT ?? 3000), () => {
  console.log(`naive-callback-app listening on http://localhost:${server.address().port}`);
});
