// Sign in with Apple in real Chromium: the demo's `demo-apple` provider is coauth's Apple
// preset against the mock OpenID provider in its Apple mode. Apple answers with
// response_mode=form_post: its page POSTs code, state and (on the first consent only) a
// `user` JSON with the name to the result page, which embeds them as inert JSON for
// coauth.js. The user approves or denies on the mock's consent page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clickClosing, popupClosed, demoOutcome, useDemoPage, withoutEarlyAnswer } from './support.mjs';

/** CSP violations (securitypolicyviolation events and console reports) on the demo's origin, popups included. */
let cspViolations;

const ctx = useDemoPage({
  async setup({ demo, browser }) {
    // The app's pages are on 127.0.0.1, or on localhost for the cross-site sign-in.
    const appOrigins = [demo.baseUrl, demo.baseUrl.replace('127.0.0.1', 'localhost')];
    const report = (where, what) => {
      if (appOrigins.some((origin) => where.startsWith(origin))) cspViolations.push(`${where}: ${what}`);
    };
    // Every page of the context reports its violations, the popup's result page included;
    // the demo page's own list (window.__cspViolations) only sees the opener.
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

const APPLE_BUTTON = 'button[data-provider="demo-apple"]';

/** The mock Apple's user (tests/src/mock_oidc.rs `OidcUser::default`). */
const USER = { name: 'Grace Hopper', email: 'grace@example.test' };


/**
 * Clicks the demo page's demo-apple button and returns the popup once it shows the mock
 * Apple's consent page, with `posts`: the requests the popup sends to the result page.
 */
async function reachApple(appBase = ctx.demo.baseUrl) {
  const popupOpened = ctx.page.waitForEvent('popup');
  await ctx.page.click(APPLE_BUTTON);
  const popup = await popupOpened;
  const posts = [];
  popup.on('request', (request) => {
    if (new URL(request.url()).pathname === '/coauth/result_page') {
      posts.push({ method: request.method(), url: request.url(), body: request.postData() });
    }
  });
  await popup.waitForSelector('#approve', { timeout: 15_000 });
  const authorize = new URL(popup.url());
  assert.notEqual(authorize.origin, appBase, 'the consent page is the provider\'s');
  assert.equal(authorize.searchParams.get('redirect_uri'), `${appBase}/coauth/result_page`);
  assert.equal(authorize.searchParams.get('response_mode'), 'form_post');
  return { popup, posts };
}

/** The fields of a urlencoded body. */
const fields = (body) => Object.fromEntries(new URLSearchParams(body ?? ''));

test('approve: form_post to the result page, the name from the first consent\'s `user`, no code in URL or history', async () => {
  // Hold the app's {base}/result request back: the popup stays on the result page (the
  // opener closes it only once it has the result), so the test can look at its URL and
  // its session history after coauth.js has handed the parameters over.
  let reached;
  const atResult = new Promise((resolve) => { reached = resolve; });
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await ctx.page.route('**/coauth/result', async (route) => {
    reached(route.request().postDataJSON());
    await held;
    await route.continue();
  });
  // The result page's way is what this test looks at (the early answer would finish the
  // sign-in before the popup shows the result page).
  await withoutEarlyAnswer(ctx.page);

  try {
    const { popup, posts } = await reachApple();
    const closed = popupClosed(popup);
    await clickClosing(popup, '#approve');
    const resultRequest = await atResult;

    // The provider's page POSTed the answer to the result page's plain URL.
    assert.equal(posts.length, 1, JSON.stringify(posts));
    assert.equal(posts[0].method, 'POST');
    assert.equal(posts[0].url, `${ctx.demo.baseUrl}/coauth/result_page`);
    const posted = fields(posts[0].body);
    assert.ok(posted.code && posted.state, posts[0].body);
    assert.deepEqual(JSON.parse(posted.user).name, { firstName: 'Grace', lastName: 'Hopper' });
    // coauth.js read them from the embedded JSON and gave them to the app unchanged.
    assert.deepEqual(resultRequest.response, posted);

    // The popup's address and session history hold no code: the result page's entry is
    // its plain URL, no entry has the code or the user in its URL, and none on the app's
    // origin has the state (the provider's authorize URL rightly does).
    assert.equal(await popup.evaluate(() => location.href), `${ctx.demo.baseUrl}/coauth/result_page`);
    const cdp = await ctx.browser.context.newCDPSession(popup);
    const { currentIndex, entries } = await cdp.send('Page.getNavigationHistory');
    await cdp.detach();
    assert.equal(entries[currentIndex].url, `${ctx.demo.baseUrl}/coauth/result_page`);
    for (const entry of entries) {
      assert.ok(!entry.url.includes(posted.code), `the code in history: ${entry.url}`);
      assert.ok(!entry.url.includes(encodeURIComponent(posted.user)), `the user in history: ${entry.url}`);
      if (entry.url.startsWith(ctx.demo.baseUrl)) {
        assert.ok(!entry.url.includes(posted.state), `the state in the app's history: ${entry.url}`);
      }
    }

    // Nor does the entry keep the POSTed body: reloading the result page sends a GET
    // without it (an entry still bound to the POST would send the code again).
    await popup.reload();
    assert.equal(posts.length, 2, JSON.stringify(posts));
    assert.deepEqual(posts[1], { method: 'GET', url: `${ctx.demo.baseUrl}/coauth/result_page`, body: null });

    release();
    await closed;
    const shown = await demoOutcome(ctx.page);
    assert.equal(shown.status, 'Signed in', `error: ${shown.errorCode} ${shown.errorMessage}\n${ctx.demo.output()}`);
    // Apple's ID token has no name: it came from the `user` POST parameter.
    assert.equal(shown.name, USER.name);
    assert.equal(shown.email, USER.email);
    assert.equal(shown.errorCode, '');
    assert.equal(shown.callbacks, 1);
    assert.deepEqual(shown.cspViolations, []);
    assert.deepEqual(cspViolations, []);
  } finally {
    release();
    await ctx.page.unroute('**/coauth/result');
  }
});

test('a later sign-in, cross-site as with Apple: no `user` parameter, so no name; the email from the ID token', async () => {
  // The app on localhost, the mock Apple on 127.0.0.1: its form_post is a cross-site POST
  // to the result page, which needs no cookie of the app.
  const appBase = ctx.demo.baseUrl.replace('127.0.0.1', 'localhost');
  await ctx.page.goto(`${appBase}/`);
  const { popup, posts } = await reachApple(appBase);
  const closed = popupClosed(popup);
  await clickClosing(popup, '#approve');
  await closed;

  const shown = await demoOutcome(ctx.page);
  assert.equal(shown.status, 'Signed in', `error: ${shown.errorCode} ${shown.errorMessage}\n${ctx.demo.output()}`);
  assert.equal(posts.length, 1);
  assert.equal(posts[0].method, 'POST');
  assert.equal(posts[0].url, `${appBase}/coauth/result_page`);
  assert.equal(fields(posts[0].body).user, undefined, posts[0].body);
  assert.equal(shown.name, '');
  assert.equal(shown.email, USER.email);
  assert.equal(shown.callbacks, 1);
  assert.deepEqual(shown.cspViolations, []);
  assert.deepEqual(cspViolations, []);
});

test('deny at Apple: its user_cancelled_authorize form_post is UserDenied with status 409', async () => {
  const { popup, posts } = await reachApple();
  const closed = popupClosed(popup);
  await clickClosing(popup, '#deny');
  await closed;

  const shown = await demoOutcome(ctx.page);
  // The provider's POST; the early answer, which took the denial, then sent the window on
  // to the page without it (a GET), unless the user took longer than its few seconds.
  assert.ok(posts.length == 1 || (posts.length == 2 && posts[1].method == 'GET'), JSON.stringify(posts));
  assert.equal(posts[0].method, 'POST');
  assert.equal(posts[0].url, `${ctx.demo.baseUrl}/coauth/result_page`);
  const posted = fields(posts[0].body);
  assert.equal(posted.error, 'user_cancelled_authorize');
  assert.equal(posted.code, undefined);
  assert.equal(shown.status, 'Sign-in failed');
  assert.equal(shown.errorCode, 'UserDenied');
  assert.equal(shown.lastError.code, 'UserDenied');
  assert.equal(shown.lastError.status, 409);
  assert.equal(shown.name, '');
  assert.equal(shown.callbacks, 1);
  assert.deepEqual(shown.cspViolations, []);
  assert.deepEqual(cspViolations, []);
});
