// Interop: coauth's generic OpenID Connect provider against an independent, OpenID Certified
// implementation (npm oidc-provider) on loopback, driven in real Chromium: the coauth demo
// server runs with COAUTH_OIDC_ISSUER pointing at it (COAUTH_OIDC_ALLOW_LOOPBACK=1, since it
// is plain http on 127.0.0.1), and the user allows or denies on the provider's own page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  INTEROP_CLIENT_ID, INTEROP_CLIENT_SECRET, INTEROP_USER, startOidcProvider,
} from './interop/oidc-provider.mjs';
import { authIn, popupClosed, useDemoPage } from './support.mjs';

let idp;

const ctx = useDemoPage({
  async beforeStart() {
    idp = await startOidcProvider();
    // The demo reads its providers from the environment it inherits.
    process.env.COAUTH_OIDC_ISSUER = idp.issuer;
    process.env.COAUTH_OIDC_CLIENT_ID = INTEROP_CLIENT_ID;
    process.env.COAUTH_OIDC_CLIENT_SECRET = INTEROP_CLIENT_SECRET;
    process.env.COAUTH_OIDC_ALLOW_LOOPBACK = '1';
  },
  // The demo gives each provider from the environment a redirect URI of its own
  // (SECURITY.md item 33): the one registered at the provider.
  setup({ demo }) {
    idp.configure(`${demo.baseUrl}/coauth/result_page_oidc`);
  },
  // A fresh user each time: no provider session, so the provider shows its page.
  beforePage({ browser }) {
    return browser.context.clearCookies();
  },
  async afterStop() {
    await idp?.close();
  },
});

const options = () => ({
  providerType: 'oidc',
  authPageUrl: '/coauth/auth_page',
  resultPageUrl: `${ctx.demo.baseUrl}/coauth/result_page_oidc`,
  auth: { scope: [] },
});

/** Starts a sign-in, presses `button` on the provider's page, returns the callback's view. */
async function signIn(button) {
  const popupOpened = ctx.browser.context.waitForEvent('page');
  const outcome = authIn(ctx.page, options());
  const popup = await popupOpened;
  try {
    await popup.waitForSelector(button, { timeout: 15_000 });
  } catch (e) {
    const got = await Promise.race([outcome, new Promise((r) => setTimeout(r, 1000, null))]);
    throw new Error(`the provider's page did not show ${button}: ${e.message}; `
      + `the client got ${JSON.stringify(got?.error)}\n${ctx.demo.output()}`);
  }
  assert.ok(popup.url().startsWith(`${idp.issuer}/interaction/`), popup.url());
  const closed = popupClosed(popup, 15_000);
  try {
    await popup.click(button);
  } catch (e) {
    if (!popup.isClosed()) throw e;
  }
  const got = await outcome;
  await closed;
  return got;
}

test('allow at oidc-provider: discovery, PKCE, client_secret_basic, RFC 9207 iss, ID token', async () => {
  const got = await signIn('#approve');
  assert.equal(got.error, null, `error: ${JSON.stringify(got.error)}\n${ctx.demo.output()}`);
  const user = got.result.data.user;
  assert.equal(user.id, INTEROP_USER.sub);
  assert.equal(user.name, INTEROP_USER.name);
  assert.equal(user.email, INTEROP_USER.email);
  assert.equal(user.emailVerified, true);
  assert.equal(user.username, INTEROP_USER.preferred_username);
  assert.equal(user.avatarUrl, INTEROP_USER.picture);
  assert.equal(got.result.data.credentials, undefined, 'tokens stay on the server');
  assert.equal(idp.calls.token, 1);
  assert.equal(idp.calls.userinfo, 1);
  assert.ok(idp.calls.discovery >= 1 && idp.calls.jwks >= 1, JSON.stringify(idp.calls));
});

test('deny at oidc-provider: UserDenied with status 409, no token request', async () => {
  const before = idp.calls.token;
  const got = await signIn('#deny');
  assert.equal(got.result, null);
  assert.equal(got.error.code, 'UserDenied', JSON.stringify(got.error));
  assert.equal(got.error.status, 409);
  assert.equal(idp.calls.token, before);
});
