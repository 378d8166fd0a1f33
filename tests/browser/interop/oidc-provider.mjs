// An independent OpenID provider for the interop test: npm `oidc-provider` (panva, OpenID
// Certified) on 127.0.0.1, one confidential client with client_secret_basic, PKCE (S256)
// required, RFC 9207 `iss` on every authorization response, and our own interaction page
// (devInteractions off) with Allow/Deny buttons (#approve / #deny, plain forms, no script).

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

export const INTEROP_CLIENT_ID = 'coauth-interop';
export const INTEROP_CLIENT_SECRET = 'interop-secret-not-for-production';

/** The user who signs in. */
export const INTEROP_USER = {
  sub: 'interop-user-1',
  name: 'Ada Interop',
  email: 'ada.interop@example.test',
  email_verified: true,
  preferred_username: 'ada-interop',
  picture: 'https://pictures.example.test/ada-interop.png',
};

/** Signing keys made for this run: an RSA key (RS256) and an EC key (ES256). */
function signingKeys() {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  return {
    keys: [
      { ...rsa, kid: `rsa-${randomBytes(4).toString('hex')}`, alg: 'RS256', use: 'sig' },
      { ...ec, kid: `ec-${randomBytes(4).toString('hex')}`, alg: 'ES256', use: 'sig' },
    ],
  };
}

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function interactionPage(uid, clientId, scope) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>oidc-provider — sign in</title></head>
<body><main>
<h1>Independent OpenID provider</h1>
<p><strong id="client">${escape(clientId)}</strong> asks to sign you in as
<strong id="user-name">${escape(INTEROP_USER.name)}</strong> (scope <code>${escape(scope)}</code>).</p>
<form method="post" action="/interaction/${escape(uid)}/approve"><button id="approve">Allow</button></form>
<form method="post" action="/interaction/${escape(uid)}/deny"><button id="deny">Deny</button></form>
</main></body></html>`;
}

/**
 * Binds 127.0.0.1:0 and resolves with `{ issuer, configure(redirectUri), calls, close() }`.
 * The provider answers only after `configure` registers the client's redirect URI, which
 * is known once the relying party is listening.
 */
export async function startOidcProvider() {
  let provider = null;
  const calls = { discovery: 0, token: 0, jwks: 0, userinfo: 0 };
  const server = http.createServer(async (req, res) => {
    try {
      if (!provider) {
        res.writeHead(503).end('not configured yet');
        return;
      }
      const url = new URL(req.url, 'http://127.0.0.1');
      if (url.pathname === '/.well-known/openid-configuration') calls.discovery += 1;
      if (url.pathname === '/token') calls.token += 1;
      if (url.pathname === '/jwks') calls.jwks += 1;
      if (url.pathname === '/me') calls.userinfo += 1;
      const interaction = /^\/interaction\/([\w-]+)(?:\/(approve|deny))?$/.exec(url.pathname);
      if (!interaction) {
        provider.callback()(req, res);
        return;
      }
      const details = await provider.interactionDetails(req, res);
      const [, uid, decision] = interaction;
      if (!decision && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(interactionPage(uid, details.params.client_id, details.params.scope));
        return;
      }
      if (req.method !== 'POST') {
        res.writeHead(405).end();
        return;
      }
      let result;
      if (decision === 'approve') {
        const accountId = INTEROP_USER.sub;
        const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
        grant.addOIDCScope(details.params.scope);
        result = { login: { accountId }, consent: { grantId: await grant.save() } };
      } else {
        result = { error: 'access_denied', error_description: 'End-User aborted interaction' };
      }
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`interop provider error: ${error.message}`);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;

  return {
    issuer,
    calls,
    configure(redirectUri) {
      provider = new Provider(issuer, {
        clients: [{
          client_id: INTEROP_CLIENT_ID,
          client_secret: INTEROP_CLIENT_SECRET,
          redirect_uris: [redirectUri],
          token_endpoint_auth_method: 'client_secret_basic',
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
        }],
        jwks: signingKeys(),
        pkce: { required: () => true },
        features: { devInteractions: { enabled: false } },
        claims: {
          openid: ['sub'],
          profile: ['name', 'preferred_username', 'picture'],
          email: ['email', 'email_verified'],
        },
        conformIdTokenClaims: false,
        interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
        cookies: { keys: [randomBytes(32).toString('hex')] },
        findAccount: async (ctx, sub) => (sub === INTEROP_USER.sub
          ? { accountId: sub, claims: async () => ({ ...INTEROP_USER }) }
          : undefined),
      });
      provider.on('server_error', (ctx, error) => console.error('oidc-provider server_error', error));
    },
    close() {
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
