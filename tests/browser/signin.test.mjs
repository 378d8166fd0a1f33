// coauth.js in real Chromium against the coauth-axum demo server and its mock provider.
// Run: cargo build -p coauth-tests --example demo && (cd tests/browser && node --test)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authIn, clickClosing, popupClosed, demoOutcome, SETTLE_MS, sleep, useDemoPage } from './support.mjs';

/** CSP violations (securitypolicyviolation events and console reports) on the demo's origin, popups included. */
let cspViolations;

const ctx = useDemoPage({
  async setup({ demo, browser }) {
    const report = (where, what) => {
      if (where.startsWith(demo.baseUrl)) cspViolations.push(`${where}: ${what}`);
    };
    // Every page of the context, the popup's stub and result pages included, reports its
    // violations to us; the demo page's own counter only sees the opener.
    await browser.context.exposeBinding('__coauthTestCsp', (source, what) => report(source.frame.url(), what));
    await browser.context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__coauthTestCsp(`${e.violatedDirective} blocked ${e.blockedURI}`);
      });
    });
    browser.context.on('console', (msg) => {
      if (/Content.Security.Policy|Trusted ?(Type|HTML|Script)/i.test(msg.text())) {
        report(msg.page()?.url() ?? '', msg.text());
      }
    });
  },
  beforePage() {
    cspViolations = [];
  },
});


/** Clicks a sign-in button and returns the popup, once it shows the provider's page. */
async function clickAndReachProvider(button) {
  const popupOpened = ctx.page.waitForEvent('popup');
  await ctx.page.click(button);
  const popup = await popupOpened;
  await popup.waitForSelector('#approve', { timeout: 15_000 });
  return popup;
}

const demoOptions = (extra = {}) => ({
  providerType: 'demo',
  authPageUrl: '/coauth/auth_page',
  resultPageUrl: `${ctx.demo.baseUrl}/coauth/result_page`,
  auth: { scope: [] },
  ...extra,
});

test('approve at the provider: the page shows the user, the popup closes, one callback', async () => {
  const popup = await clickAndReachProvider('#signin-demo');
  const closed = popupClosed(popup);
  await clickClosing(popup, '#approve');
  await closed;

  const shown = await demoOutcome(ctx.page);
  assert.equal(shown.status, 'Signed in', `error: ${shown.errorCode} ${shown.errorMessage}\n${ctx.demo.output()}`);
  assert.equal(shown.name, 'Ada Lovelace');
  assert.equal(shown.email, 'ada@example.test');
  assert.equal(shown.errorCode, '');
  assert.equal(shown.callbacks, 1);
  assert.deepEqual(shown.cspViolations, []);
  assert.deepEqual(cspViolations, []);
});

test('deny at the provider: UserDenied with status 409', async () => {
  const popup = await clickAndReachProvider('#signin-demo');
  const closed = popupClosed(popup);
  await clickClosing(popup, '#deny');
  await closed;

  const shown = await demoOutcome(ctx.page);
  assert.equal(shown.status, 'Sign-in failed');
  assert.equal(shown.errorCode, 'UserDenied');
  assert.equal(shown.lastError.code, 'UserDenied');
  assert.equal(shown.lastError.status, 409);
  assert.equal(shown.name, '');
  assert.equal(shown.callbacks, 1);
});

test('closing the popup at the provider: WindowClosed', async () => {
  const popup = await clickAndReachProvider('#signin-demo');
  // The user looks at the provider's page first: a popup that reads closed within a second
  // of reaching the provider counts as cut off by COOP, not closed (popup-flows.test.mjs).
  await sleep(2500);
  await popup.close();

  const shown = await demoOutcome(ctx.page);
  assert.equal(shown.status, 'Sign-in failed');
  assert.equal(shown.errorCode, 'WindowClosed');
  assert.equal(shown.lastError.status, undefined);
  assert.equal(shown.callbacks, 1);
});

test('the demo page cancels a sign-in in progress: Aborted, popup closed, one callback', async () => {
  const popup = await clickAndReachProvider('#signin-demo');
  assert.equal(await ctx.page.isVisible('#cancel'), true);
  const closed = popupClosed(popup);
  await ctx.page.click('#cancel');
  await closed;

  const shown = await demoOutcome(ctx.page);
  assert.equal(shown.status, 'Sign-in failed');
  assert.equal(shown.errorCode, 'Aborted');
  assert.equal(shown.callbacks, 1);
  assert.equal(await ctx.page.isVisible('#cancel'), false);
});

test('closing the popup on the stub page before the provider loads: WindowClosed', async () => {
  // Hold auth_url back so the popup is still on the stub when the user closes it.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await ctx.page.route('**/coauth/auth_url', async (route) => {
    await held;
    await route.continue();
  });
  const popupOpened = ctx.page.waitForEvent('popup');
  await ctx.page.click('#signin-demo');
  const popup = await popupOpened;
  await popup.close();

  const shown = await demoOutcome(ctx.page);
  release();
  assert.equal(shown.errorCode, 'WindowClosed');
  assert.equal(shown.callbacks, 1);
});

test('unknown provider: InputError 400 from the server, popup closed', async () => {
  const popupOpened = ctx.page.waitForEvent('popup');
  const got = await authIn(ctx.page, demoOptions({ providerType: 'no-such-provider' }));
  const popup = await popupOpened;
  await popupClosed(popup);

  assert.equal(got.synchronous, false);
  assert.equal(got.error.isError, true);
  assert.equal(got.error.code, 'InputError');
  assert.equal(got.error.status, 400);
  assert.equal(got.error.response.status, 400);
  assert.equal(got.error.response.data.code, 'InputError');
  assert.equal(got.result, null);
});

test('missing required option: ValidationError, asynchronously, no request and no popup', async () => {
  const requests = [];
  const popups = [];
  ctx.page.on('request', (req) => {
    if (new URL(req.url()).pathname.startsWith('/coauth/')) requests.push(req.url());
  });
  ctx.page.on('popup', (p) => popups.push(p.url()));

  for (const missing of ['providerType', 'authPageUrl', 'resultPageUrl']) {
    const options = demoOptions();
    delete options[missing];
    const got = await authIn(ctx.page, options);
    assert.equal(got.synchronous, false, missing);
    assert.equal(got.error.isError, true, missing);
    assert.equal(got.error.code, 'ValidationError', missing);
    assert.equal(got.error.status, 400, missing);
    assert.match(got.error.message, new RegExp(missing));
  }
  const empty = await authIn(ctx.page, demoOptions({ providerType: '' }));
  assert.equal(empty.error.code, 'ValidationError');

  await sleep(SETTLE_MS);
  assert.deepEqual(requests, []);
  assert.deepEqual(popups, []);
});

test('result page opened directly: clears the code from the URL and says so', async () => {
  const resultPage = await ctx.browser.context.newPage();
  try {
    await resultPage.goto(`${ctx.demo.baseUrl}/coauth/result_page?code=secret-code&state=s1#id_token=x`);
    await resultPage.waitForFunction(
      () => document.getElementById('coauth-status').textContent.startsWith('Sign-in finished'),
    );
    const where = await resultPage.evaluate(() => ({ search: location.search, hash: location.hash }));
    assert.deepEqual(where, { search: '', hash: '' });
  } finally {
    await resultPage.close();
  }
});

test('messages from other windows, wrong types or other states are ignored', async () => {
  // An unrelated window on the same origin posts look-alike results to the opener; the
  // flow must go on and finish with the real result only.
  const popup = await clickAndReachProvider('#signin-demo');
  await ctx.page.evaluate(() => {
    const forged = { type: 'coauth:result', params: { code: 'forged', state: 'forged' } };
    window.postMessage(forged, location.origin); // source is the page itself, not the popup
    window.postMessage({ type: 'other', params: {} }, location.origin);
  });
  await sleep(SETTLE_MS);
  assert.equal(await ctx.page.evaluate(() => window.__coauthCallbacks), 0);

  const closed = popupClosed(popup);
  await clickClosing(popup, '#approve');
  await closed;
  const shown = await demoOutcome(ctx.page);
  assert.equal(shown.status, 'Signed in');
  assert.equal(shown.callbacks, 1);
});

test('the full sign-in works under Trusted Types with zero CSP violations', async () => {
  // The demo's CSP plus require-trusted-types-for, on every document of the demo's origin
  // (SECURITY.md item 32): any HTML-string sink in coauth.js would throw here.
  const pattern = `${ctx.demo.baseUrl}/**`;
  const addTrustedTypes = async (route) => {
    if (route.request().resourceType() !== 'document') return route.continue();
    const response = await route.fetch();
    const headers = response.headers();
    const csp = headers['content-security-policy'] || "script-src 'self'";
    headers['content-security-policy'] = `${csp}; require-trusted-types-for 'script'`;
    return route.fulfill({ response, headers });
  };
  await ctx.browser.context.route(pattern, addTrustedTypes);
  try {
    await ctx.page.reload();
    const popup = await clickAndReachProvider('#signin-demo');
    const closed = popupClosed(popup);
    await clickClosing(popup, '#approve');
    await closed;

    const shown = await demoOutcome(ctx.page);
    assert.equal(shown.status, 'Signed in', `error: ${shown.errorCode} ${shown.errorMessage}`);
    assert.equal(shown.name, 'Ada Lovelace');
    assert.deepEqual(shown.cspViolations, []);
    assert.deepEqual(cspViolations, []);
  } finally {
    await ctx.browser.context.unroute(pattern, addTrustedTypes);
  }
});
