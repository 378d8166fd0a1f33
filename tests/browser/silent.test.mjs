// Silent sign-in (tryAuth, hidden: true) in a hidden iframe, in real Chromium against the
// demo's mock providers: `demo-auto` approves at once, `demo-noframe` ignores prompt=none
// and refuses to be framed, `demo` honours prompt=none with a session cookie.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  abortFlow, beginFlow, flowOutcome, flowSettled, popupClosed, probe, resultRequests, SETTLE_MS, sleep,
  useDemoPage,
} from './support.mjs';

const ctx = useDemoPage({ probe: true, popups: true });

const options = (providerType, extra = {}) => ({
  providerType,
  resultPageUrl: `${ctx.demo.baseUrl}/coauth/result_page`,
  ...extra,
});

/** The authorization requests the page's frames sent to a mock provider. */
function authorizeRequests(target) {
  const seen = [];
  target.on('request', (req) => {
    const url = new URL(req.url());
    if (url.pathname === '/authorize') seen.push({ url, isNavigation: req.isNavigationRequest(), frame: req.frame() });
  });
  return seen;
}

test('tryAuth succeeds when the provider approves at once: prompt=none, one callback, no frame left', async () => {
  const authorize = authorizeRequests(ctx.page);
  const authUrlBodies = [];
  ctx.page.on('request', (req) => {
    if (req.url().endsWith('/coauth/auth_url')) authUrlBodies.push(req.postDataJSON());
  });
  await beginFlow(ctx.page, 'silent', 'tryAuth', options('demo-auto', { auth: { scope: ['email'] } }));
  const got = await flowOutcome(ctx.page, 'silent');

  assert.equal(got.error, null, JSON.stringify(got.error));
  assert.equal(got.calls, 1);
  assert.equal(got.result.status, 200);
  assert.equal(got.result.transport, 'http');
  assert.equal(got.result.data.user.name, 'Ada Lovelace');
  assert.equal(authUrlBodies[0].mode, 'silent');
  assert.equal(authorize.length, 1);
  assert.equal(authorize[0].url.searchParams.get('prompt'), 'none');
  assert.equal(authorize[0].url.searchParams.get('scope'), 'email');
  assert.notEqual(authorize[0].frame, ctx.page.mainFrame(), 'the provider loads in a frame');
  assert.deepEqual(ctx.popups, []);
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('hidden: true makes auth() exactly a silent attempt: no popup, mode silent', async () => {
  const authUrlBodies = [];
  ctx.page.on('request', (req) => {
    if (req.url().endsWith('/coauth/auth_url')) authUrlBodies.push(req.postDataJSON());
  });
  await beginFlow(ctx.page, 'hidden', 'auth', options('demo-auto', { hidden: true }));
  const got = await flowOutcome(ctx.page, 'hidden');
  assert.equal(got.error, null, JSON.stringify(got.error));
  assert.equal(got.calls, 1);
  assert.equal(got.result.data.user.email, 'ada@example.test');
  assert.equal(authUrlBodies[0].mode, 'silent');
  assert.deepEqual(ctx.popups, []);
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('a provider page that refuses framing: Timeout after tryAuthTimeout, the iframe removed', async () => {
  const authorize = authorizeRequests(ctx.page);
  await beginFlow(ctx.page, 'noframe', 'tryAuth', options('demo-noframe', { tryAuthTimeout: 1500 }));
  await sleep(700);
  // The attempt is under way: the frame exists and the provider was asked.
  assert.equal((await probe(ctx.page)).frames, ctx.baseline.frames + 1);
  assert.equal(authorize.length, 1);
  assert.equal(await flowSettled(ctx.page, 'noframe'), false);

  const got = await flowOutcome(ctx.page, 'noframe');
  assert.equal(got.calls, 1);
  assert.equal(got.error.isError, true);
  assert.equal(got.error.code, 'Timeout');
  assert.equal(got.error.status, undefined);
  assert.ok(got.elapsed >= 1500 && got.elapsed < 3000, `elapsed ${got.elapsed}`);
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('silent flows never listen on a BroadcastChannel: a same-origin tab\'s result page for their state is ignored', async () => {
  // A frame keeps its parent, so the channel (the COOP fallback of popups) has no use here,
  // and any page of this origin could post on it.
  const authorize = authorizeRequests(ctx.page);
  // Nor does the server hand the other tab's answer to the flow's waiting request (the early
  // answer): a top-level page is not the silent flow's frame.
  const results = resultRequests(ctx.page);
  await beginFlow(ctx.page, 'channel', 'tryAuth', options('demo-noframe', { tryAuthTimeout: 2500 }));
  await ctx.page.waitForFunction(() => document.querySelectorAll('iframe').length > 0);
  await sleep(300);
  assert.equal(authorize.length, 1);
  const state = authorize[0].url.searchParams.get('state');

  const other = await ctx.browser.context.newPage();
  await other.goto(`${ctx.demo.baseUrl}/coauth/result_page?state=${state}&code=forged-by-another-tab`);
  assert.ok((await other.evaluate(() => window.__coauthProbe.channelNames())).includes(`coauth:${state}`));
  const got = await flowOutcome(ctx.page, 'channel');
  assert.equal(got.calls, 1);
  assert.equal(got.error.code, 'Timeout');
  assert.deepEqual(results, []);
  const channels = await ctx.page.evaluate(() => window.__coauthProbe.channelNames());
  assert.deepEqual(channels.filter((name) => name.startsWith('coauth:')), []);
  await other.close();
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('tryAuthTimeout: null means the default 5000 ms, 0 means none (then cancelled by its signal)', async () => {
  await beginFlow(ctx.page, 'default', 'tryAuth', options('demo-noframe', { tryAuthTimeout: null }));
  await beginFlow(ctx.page, 'unbounded', 'tryAuth', options('demo-noframe', { tryAuthTimeout: 0 }), { signal: true });
  await sleep(4500);
  assert.equal(await flowSettled(ctx.page, 'default'), false, 'not before 5 s');
  assert.equal((await probe(ctx.page)).frames, ctx.baseline.frames + 2);

  const timedOut = await flowOutcome(ctx.page, 'default');
  assert.equal(timedOut.error.code, 'Timeout');
  assert.ok(timedOut.elapsed >= 5000 && timedOut.elapsed < 6500, `elapsed ${timedOut.elapsed}`);
  assert.match(timedOut.error.message, /5000 ms/);
  await sleep(800);
  assert.equal(await flowSettled(ctx.page, 'unbounded'), false, '0: no timeout');
  assert.equal((await probe(ctx.page)).frames, ctx.baseline.frames + 1, 'only the unbounded frame is left');

  await abortFlow(ctx.page, 'unbounded');
  const aborted = await flowOutcome(ctx.page, 'unbounded');
  assert.equal(aborted.calls, 1);
  assert.equal(aborted.error.code, 'Aborted');
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('prompt=none: login_required without a provider session, success once the user approved in a popup', async () => {
  await beginFlow(ctx.page, 'first', 'tryAuth', options('demo'));
  const first = await flowOutcome(ctx.page, 'first');
  assert.equal(first.calls, 1);
  assert.equal(first.error.code, 'ProviderError');
  assert.equal(first.error.status, 500);
  assert.match(first.error.message, /login_required/);
  assert.ok(first.elapsed < 3000, 'the provider answers at once, no timeout');

  // A popup sign-in: the mock remembers the browser with a SameSite=Lax session cookie.
  const opened = ctx.page.waitForEvent('popup');
  await beginFlow(ctx.page, 'popup', 'auth', options('demo', { authPageUrl: '/coauth/auth_page' }));
  const popup = await opened;
  await popup.waitForSelector('#approve');
  const closed = popupClosed(popup);
  await popup.click('#approve').catch(() => {});
  await closed;
  const popupSignIn = await flowOutcome(ctx.page, 'popup');
  assert.equal(popupSignIn.error, null);
  assert.equal(popupSignIn.calls, 1);

  // Same site (app and provider both on 127.0.0.1): the frame sends the cookie.
  await beginFlow(ctx.page, 'again', 'tryAuth', options('demo'));
  const again = await flowOutcome(ctx.page, 'again');
  assert.equal(again.error, null, JSON.stringify(again.error));
  assert.equal(again.calls, 1);
  assert.equal(again.result.data.user.name, 'Ada Lovelace');

  // Cross site (the app on localhost): SameSite=Lax keeps the cookie out of the frame.
  const port = new URL(ctx.demo.baseUrl).port;
  const crossSite = await ctx.browser.context.newPage();
  try {
    await crossSite.goto(`http://localhost:${port}/`);
    await beginFlow(crossSite, 'cross', 'tryAuth', {
      providerType: 'demo',
      resultPageUrl: `http://localhost:${port}/coauth/result_page`,
    });
    const cross = await flowOutcome(crossSite, 'cross');
    assert.equal(cross.calls, 1);
    assert.equal(cross.error.code, 'ProviderError');
    assert.match(cross.error.message, /login_required/);
  } finally {
    await crossSite.close();
  }
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('silent mode with an identity is refused by the client: ValidationError, no request, no frame', async () => {
  const requests = [];
  ctx.page.on('request', (req) => {
    if (new URL(req.url()).pathname.startsWith('/coauth/')) requests.push(req.url());
  });
  await beginFlow(ctx.page, 'identity', 'tryAuth', options('demo-auto', { identity: { user: 1 } }));
  const got = await flowOutcome(ctx.page, 'identity');
  assert.equal(got.calls, 1);
  assert.equal(got.error.code, 'ValidationError');
  assert.equal(got.error.status, 400);
  assert.match(got.error.message, /identity/);
  await beginFlow(ctx.page, 'timeout', 'tryAuth', options('demo-auto', { tryAuthTimeout: -1 }));
  const badTimeout = await flowOutcome(ctx.page, 'timeout');
  assert.equal(badTimeout.calls, 1);
  assert.match(badTimeout.error.message, /tryAuthTimeout/);
  await sleep(SETTLE_MS);
  assert.deepEqual(requests, []);
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('the demo page\'s "Try silent sign-in" button, after a popup sign-in', async () => {
  const opened = ctx.page.waitForEvent('popup');
  await ctx.page.click('#signin-demo');
  const popup = await opened;
  await popup.waitForSelector('#approve');
  const closed = popupClosed(popup);
  await popup.click('#approve').catch(() => {});
  await closed;
  await ctx.page.waitForFunction(() => window.__coauthCallbacks === 1);

  await ctx.page.click('#silent-demo');
  await ctx.page.waitForFunction(() => window.__coauthCallbacks === 2);
  await sleep(SETTLE_MS);
  assert.equal(await ctx.page.evaluate(() => window.__coauthCallbacks), 2);
  assert.equal(await ctx.page.textContent('#status'), 'Signed in', await ctx.page.textContent('#error-message'));
  assert.equal(await ctx.page.textContent('#user-name'), 'Ada Lovelace');
  assert.equal(ctx.popups.length, 1, 'only the first sign-in opened a popup');
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});
