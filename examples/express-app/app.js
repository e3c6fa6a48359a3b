// The Magic Link guide's Express app, with the official SDK (@workos-inc/node).
//
//   POST /passwordless-auth  creates a passwordless session for the posted email and has WorkOS
//                            email the link; then redirects to a "Check your email" page
//   GET  /callback           where WorkOS redirects after the click: exchanges the code for the
//                            user's profile (workos.sso.getProfileAndToken) and signs them in
//   GET  /                   the sign-in form, or the signed-in user's profile
//
// Configured only through the environment:
//   WORKOS_API_KEY    the secret key (sk_test_… / sk_live_…); never sent to the browser
//   WORKOS_CLIENT_ID  the client id (client_…)
//   WORKOS_BASE_URL   optional: the API's base URL, e.g. http://127.0.0.1:4400 for workos-mock
//                     (default https://api.workos.com)
//   PORT              where to listen (default 3000; 0 picks a free port)
'use strict';

const crypto = require('node:crypto');
const express = require('express');
const { WorkOS, OauthException } = require('@workos-inc/node');

/** WORKOS_BASE_URL → the SDK's {apiHostname, port, https} (nothing when unset). */
function workosOptions(baseURL) {
  if (!baseURL) return {};
  let url;
  try {
    url = new URL(baseURL);
  } catch {
    throw new Error(`WORKOS_BASE_URL is not a URL: ${baseURL}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`WORKOS_BASE_URL must be http:// or https://, not ${url.protocol}`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new Error('WORKOS_BASE_URL must be a bare origin such as http://127.0.0.1:4400');
  }
  const options = { apiHostname: url.hostname, https: url.protocol === 'https:' };
  if (url.port) options.port = Number(url.port);
  return options;
}

const escapeHTML = (s) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const page = (title, body) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHTML(title)}</title></head>
<body><h1>${escapeHTML(title)}</h1>
${body}
</body></html>
`;

function cookies(req) {
  const out = {};
  for (const part of (req.headers.cookie || '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}

function createApp(env = process.env) {
  const apiKey = env.WORKOS_API_KEY;
  const clientId = env.WORKOS_CLIENT_ID;
  if (!apiKey) throw new Error('WORKOS_API_KEY is not set');
  if (!clientId) throw new Error('WORKOS_CLIENT_ID is not set');

  const workos = new WorkOS(apiKey, { ...workosOptions(env.WORKOS_BASE_URL), clientId });

  // Magic Link authenticates; sessions are the app's business. In-memory for the example.
  const sessions = new Map();

  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false }));
  app.use(express.json());

  app.get('/', (req, res) => {
    const profile = sessions.get(cookies(req).sid);
    if (profile) {
      const name = [profile.firstName, profile.lastName].filter(Boolean).join(' ');
      res.send(page('Signed in', `<p>Signed in as <strong id="email">${escapeHTML(profile.email)}</strong>${name ? ` (${escapeHTML(name)})` : ''}.</p>
<p>Profile <code id="profile-id">${escapeHTML(profile.id)}</code>, connection ${escapeHTML(profile.connectionType)}.</p>
<form method="post" action="/sign-out"><button>Sign out</button></form>`));
      return;
    }
    res.send(page('Sign in', `<form method="post" action="/passwordless-auth">
<label>Email <input type="email" name="email" required></label>
<button>Email me a sign-in link</button>
</form>`));
  });

  // Create a Passwordless Session and email the user.
  app.post('/passwordless-auth', async (req, res) => {
    const email = String(req.body?.email ?? '').trim();
    if (!email || !email.includes('@')) {
      res.status(400).send(page('Sign in', '<p>Please enter your email address.</p>'));
      return;
    }
    const session = await workos.passwordless.createSession({ email, type: 'MagicLink' });
    await workos.passwordless.sendSession(session.id);
    // Finally, redirect to a "Check your email" page.
    res.redirect(303, `/check-email?email=${encodeURIComponent(email)}`);
  });

  app.get('/check-email', (req, res) => {
    res.send(page('Check your email', `<p>We sent a sign-in link to ${escapeHTML(req.query.email)}. It is valid for 15 minutes and works once.</p>`));
  });

  // The callback endpoint: WorkOS redirects here with ?code= after the click.
  app.get('/callback', async (req, res) => {
    const { code, error, error_description: description } = req.query;
    if (error || typeof code !== 'string' || !code) {
      res.status(400).send(page('Sign-in failed', `<p>${escapeHTML(description || error || 'The sign-in link did not carry a code.')}</p><p><a href="/">Try again</a></p>`));
      return;
    }
    let profile;
    try {
      ({ profile } = await workos.sso.getProfileAndToken({ code, clientId }));
    } catch (err) {
      if (err instanceof OauthException) {
        // invalid_grant: the code expired (10 minutes) or was already used.
        res.status(400).send(page('Sign-in failed', '<p>This sign-in link has expired or was already used.</p><p><a href="/">Request a new one</a></p>'));
        return;
      }
      throw err;
    }
    // Use the information in `profile` for further business logic.
    const sid = crypto.randomBytes(24).toString('base64url');
    sessions.set(sid, profile);
    res.cookie('sid', sid, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
    res.redirect('/');
  });

  app.post('/sign-out', (req, res) => {
    sessions.delete(cookies(req).sid);
    res.clearCookie('sid', { path: '/' });
    res.redirect(303, '/');
  });

  // Anything unexpected (e.g. the WorkOS API is unreachable): a 500 page, details in the log.
  app.use((err, req, res, _next) => {
    console.error(`${req.method} ${req.path}: ${err?.stack || err}`);
    res.status(500).send(page('Something went wrong', '<p>Please try again later.</p>'));
  });

  return app;
}

module.exports = { createApp, workosOptions };

if (require.main === module) {
  let app;
  try {
    app = createApp();
  } catch (err) {
    console.error(`express-app: ${err.message}`);
    process.exit(2);
  }
  const server = app.listen(Number(process.env.PORT ?? 3000), () => {
    console.log(`express-app listening on http://localhost:${server.address().port}`);
  });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections(); // keep-alive sockets would hold close() open
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
