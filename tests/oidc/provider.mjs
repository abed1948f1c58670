// A real OpenID Connect provider (the npm package oidc-provider) for the tests of sign-in
// through OpenID Connect (SPEC §16). Started by tests/oidc/start.sh; listens on loopback.
//
//   node tests/oidc/provider.mjs PORT
//
// Clients (all confidential, client_secret_basic, any redirect URI on 127.0.0.1 or
// localhost ending in /auth/oidc/callback, so each test's server may take a free port):
//   sluss               the relying party as configured in production.
//   sluss-other-aud     its ID tokens name another audience ("another-relying-party"), as
//                       a token issued to some other application would.
//   sluss-expired       its ID tokens expired an hour before they were issued.
// Every client's secret is "sluss-test-secret".
//
// Accounts are made by the tests: `PUT /test/accounts/{sub}` with a JSON body of claims
// (`email`, `email_verified`, `name`, `groups`) creates or replaces one; its claims are read
// at each sign-in, so a test can change someone's groups between two sign-ins.
//
// Signing in needs no browser: the authorization request's `login_hint` names the account,
// and the interaction signs it in at once (consent is granted to these first-party clients).
// An authorization request without a known `login_hint` shows the provider's own sign-in
// page, a form asking for the account (as the browser suite signs in).
import http from 'node:http';
import { URL } from 'node:url';
import Provider, { errors } from 'oidc-provider';

const port = Number(process.argv[2] || process.env.PORT || 0);
const issuer = `http://127.0.0.1:${port}`;
const SECRET = 'sluss-test-secret';
const accounts = new Map();

const client = (id) => ({
  client_id: id,
  client_secret: SECRET,
  redirect_uris: ['http://127.0.0.1/auth/oidc/callback'],
  response_types: ['code'],
  grant_types: ['authorization_code'],
  token_endpoint_auth_method: 'client_secret_basic',
});

function loopbackCallback(value) {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(url.hostname)
      && url.pathname === '/auth/oidc/callback';
  } catch {
    return false;
  }
}

const provider = new Provider(issuer, {
  clients: [client('sluss'), client('sluss-other-aud'), client('sluss-expired')],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'groups'],
  },
  // The claims go into the ID token, which is all sluss reads.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  cookies: { keys: ['sluss-test-provider-cookie-key'] },
  async findAccount(ctx, sub) {
    const claims = accounts.get(sub);
    if (!claims) return undefined;
    return { accountId: sub, async claims() { return { sub, ...claims }; } };
  },
  // First-party clients: consent is granted without asking.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const found = await ctx.oidc.provider.Grant.find(grantId);
      if (found) return found;
    }
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId, grant.jti);
    return grant;
  },
  renderError(ctx, out) {
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = `${out.error}: ${out.error_description || ''}\n`;
  },
});

// Any loopback port: each test's sluss listens on a port of its own.
provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(value) {
  return loopbackCallback(value);
};

// The two misbehaving clients: the real provider signs the token with its real key, for the
// real issuer and nonce; only the audience or the expiry is wrong.
const issue = provider.IdToken.prototype.issue;
provider.IdToken.prototype.issue = async function issueForTests(options = {}) {
  if (options.use === 'idtoken' && this.client?.clientId === 'sluss-expired') {
    return issue.call(this, { ...options, expiresAt: Math.floor(Date.now() / 1000) - 3600 });
  }
  if (options.use === 'idtoken' && this.client?.clientId === 'sluss-other-aud') {
    const real = this.client;
    this.client = new Proxy(real, {
      get: (target, key) => (key === 'clientId' ? 'another-relying-party' : Reflect.get(target, key)),
    });
    try {
      return await issue.call(this, options);
    } finally {
      this.client = real;
    }
  }
  return issue.call(this, options);
};

const callback = provider.callback();

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

// The provider's own sign-in page, as a person sees it: the account's id, typed in.
function signInPage(res, uid, unknown) {
  res.writeHead(unknown ? 400 : 200, { 'content-type': 'text/html; charset=utf-8' });
  res.end('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test provider</title></head>'
    + '<body><main><h1>Test provider</h1>'
    + (unknown ? '<p role="alert">No such account.</p>' : '')
    + `<form method="post" action="/interaction/${encodeURIComponent(uid)}">`
    + '<label for="account">Account</label> <input id="account" name="account" autocomplete="username"> '
    + '<button type="submit">Sign in</button></form></main></body></html>');
}

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    let chosen = details.params.login_hint;
    if (req.method === 'POST') {
      chosen = new URLSearchParams(await readBody(req)).get('account');
    }
    if (!chosen || !accounts.has(chosen)) {
      signInPage(res, details.uid, req.method === 'POST');
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: chosen } }, { mergeWithLastSubmission: false });
    return;
  }
  // Consent: loadExistingGrant has granted it; finish with the grant it made.
  const grantId = details.grantId;
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    const account = url.pathname.match(/^\/test\/accounts\/([^/]+)$/);
    if (account && req.method === 'PUT') {
      accounts.set(decodeURIComponent(account[1]), JSON.parse(await readBody(req) || '{}'));
      res.writeHead(204);
      res.end();
      return;
    }
    if (/^\/interaction\/[^/]+$/.test(url.pathname) && (req.method === 'GET' || req.method === 'POST')) {
      await interaction(req, res);
      return;
    }
    callback(req, res);
  } catch (error) {
    const status = error instanceof errors.OIDCProviderError ? error.statusCode : 500;
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`${error.message}\n`);
  }
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`oidc-provider listening on ${issuer}\n`);
});
