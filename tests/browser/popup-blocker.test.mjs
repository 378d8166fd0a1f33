// coauth.js with Chromium's popup blocker on (Playwright turns it off by default).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { popupClosed, SETTLE_MS, sleep, useDemoPage } from './support.mjs';

const ctx = useDemoPage({ launch: { ignoreDefaultArgs: ['--disable-popup-blocking'] }, popups: true });

/** The requests to the coauth resources the page sends from now on. */
function coauthRequests() {
  const requests = [];
  ctx.page.on('request', (req) => {
    if (new URL(req.url()).pathname.startsWith('/coauth/')) requests.push(req.url());
  });
  return requests;
}

test('a click opens the popup even with the blocker on', async () => {
  // Keep the flow on the stub page; only the opening matters here.
  await ctx.page.route('**/coauth/auth_url', () => {});
  const popupOpened = ctx.page.waitForEvent('popup');
  await ctx.page.click('#signin-demo');
  const popup = await popupOpened;
  await popup.close();
  await ctx.page.waitForFunction(() => window.__coauthCallbacks === 1);
  assert.equal(await ctx.page.evaluate(() => window.__coauthLastError.code), 'WindowClosed');
});

test('without a user gesture: PopupBlocked, and no request is sent', async () => {
  const requests = coauthRequests();
  // page.evaluate always carries a user gesture; a CDP evaluation without one does not.
  const cdp = await ctx.browser.context.newCDPSession(ctx.page);
  const { result } = await cdp.send('Runtime.evaluate', {
    userGesture: false,
    awaitPromise: true,
    returnByValue: true,
    expression: `new Promise((resolve) => new coauth.Auth('/coauth').auth({
      providerType: 'demo', authPageUrl: '/coauth/auth_page',
      resultPageUrl: location.origin + '/coauth/result_page',
    }, (err) => resolve({ code: err && err.code, isError: err instanceof Error })))`,
  });
  await sleep(SETTLE_MS);
  assert.deepEqual(result.value, { code: 'PopupBlocked', isError: true });
  assert.deepEqual(requests, []);
  assert.equal(ctx.popups.length, 0);
  await Promise.all(ctx.popups.map((p) => popupClosed(p)));
});

test('window.open after an await in the click handler: PopupBlocked, no request, one callback', async () => {
  const requests = coauthRequests();
  // The mistake of auth0 #726 / MSAL #2001: something is awaited before sign-in starts,
  // and the click's user activation (5 s in Chromium) has expired by then.
  await ctx.page.evaluate(() => {
    window.__late = { calls: 0, code: null };
    const button = document.body.appendChild(document.createElement('button'));
    button.id = 'late';
    button.textContent = 'late sign-in';
    button.addEventListener('click', async () => {
      await new Promise((resolve) => setTimeout(resolve, 6000));
      new coauth.Auth('/coauth').auth({
        providerType: 'demo', authPageUrl: '/coauth/auth_page',
        resultPageUrl: location.origin + '/coauth/result_page',
      }, (err) => {
        window.__late.calls += 1;
        window.__late.code = err && err.code;
      });
    });
  });
  await ctx.page.click('#late');
  await ctx.page.waitForFunction(() => window.__late.calls > 0, null, { timeout: 15_000 });
  await sleep(SETTLE_MS);
  assert.deepEqual(await ctx.page.evaluate(() => window.__late), { calls: 1, code: 'PopupBlocked' });
  assert.deepEqual(requests, []);
  assert.equal(ctx.popups.length, 0);
});
