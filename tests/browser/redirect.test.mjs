// Redirect mode (`redirect: true`) in real Chromium: the whole tab goes to the provider and
// back, and `resume()` on the page it comes back to finishes the sign-in. End to end on the
// axum, warp and rocket demos; the provider's answer gone from the address bar and session
// history; deny; Apple's form_post; OAuth 1.0a (the Twitter preset against the demo's mock
// Twitter); a reload of the result page and the Back button after delivery; Back at the
// provider; two tabs at once; identity (linking); customAuthResultRequest; a foreign
// returnTo; tampered sessionStorage.
// The fallback to redirect mode when popups cannot open is in redirect-fallback.test.mjs.
// Run: cargo build -p coauth-tests --example demo --example demo_warp --example demo_rocket
//   && (cd tests/browser && node --test redirect.test.mjs)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SETTLE_MS, sleep, startDemo, useDemoPage } from './support.mjs';
import {
  APP_PATH, atProvider, authError, beginAuth, decideAndReturn, pendingEntries, redirectOptions,
  resultPageUrl, resume, serveApp, sessionHistory, watch,
} from './redirect-support.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const examples = path.join(process.env.CARGO_TARGET_DIR || path.join(repoRoot, 'target'), 'debug', 'examples');

/** The app page's navigations (see serveApp), reset for each test. */
let appLoads;

const ctx = useDemoPage({
  home: false,
  async setup({ browser }) {
    appLoads = await serveApp(browser.context);
  },
  beforePage() {
    appLoads.length = 0;
  },
});

const base = () => ctx.demo.baseUrl;
const options = (extra) => redirectOptions(base(), extra);

/** Opens the app page (with `suffix`: a query and/or fragment) in `page`; returns its URL. */
async function openApp(page = ctx.page, suffix = '', origin = base()) {
  const url = `${origin}${APP_PATH}${suffix}`;
  await page.goto(url);
  return url;
}

/** The requests to one coauth resource among those `watch` recorded. */
const calls = (seen, resource) => seen.requests.filter((r) => r.path === `/coauth/${resource}`);

/**
 * A whole approved redirect sign-in in `page` from the app page, up to the return (nothing
 * resumed yet). Returns { appUrl, seen, state }.
 */
async function signInAndReturn(extra = {}, { page = ctx.page, suffix = '', button = '#approve' } = {}) {
  const appUrl = await openApp(page, suffix);
  const seen = watch(page);
  await beginAuth(page, options(extra));
  const state = new URL(await atProvider(page)).searchParams.get('state');
  await decideAndReturn(page, appUrl, button);
  return { appUrl, seen, state };
}

// ---- End to end on every adapter ---------------------------------------------------------

const DEMOS = [
  { adapter: 'axum', bin: null },
  { adapter: 'warp', bin: path.join(examples, 'demo_warp') },
  { adapter: 'rocket', bin: path.join(examples, 'demo_rocket') },
];

for (const { adapter, bin } of DEMOS) {
  test(`${adapter}: redirect mode end to end; resume() delivers the popup's result with mode 'redirect', once; the answer leaves no trace in URL or history`, async () => {
    const demo = bin ? await startDemo(bin) : ctx.demo;
    const page = bin ? await ctx.browser.context.newPage() : ctx.page;
    try {
      const origin = demo.baseUrl;
      // The page the sign-in starts on, query and fragment included, is where it comes back.
      const appUrl = await openApp(page, '?tab=start#signin', origin);
      const seen = watch(page);
      await beginAuth(page, redirectOptions(origin));
      const providerUrl = new URL(await atProvider(page));
      const state = providerUrl.searchParams.get('state');
      assert.equal(providerUrl.searchParams.get('redirect_uri'), `${origin}/coauth/result_page`);

      // The server was told the mode; the flow waits in this tab's sessionStorage only.
      assert.deepEqual(calls(seen, 'auth_url').map((r) => r.body), [{
        providerType: 'demo',
        redirectUri: `${origin}/coauth/result_page`,
        identity: null,
        mode: 'redirect',
        auth: { scope: [] },
      }]);
      await page.goBack();
      await page.waitForURL(appUrl);
      const stored = await pendingEntries(page);
      assert.deepEqual(Object.keys(stored), [`coauth:pending:${state}`]);
      const entry = JSON.parse(stored[`coauth:pending:${state}`]);
      assert.equal(entry.returnTo, `${APP_PATH}?tab=start#signin`);
      assert.equal(typeof entry.flow, 'string');
      assert.equal(entry.response, undefined, 'no answer yet');
      assert.equal(await page.evaluate(() => localStorage.length), 0, 'nothing in localStorage');
      await page.goForward();

      await decideAndReturn(page, appUrl);
      const answer = new URL(resultPageUrl(seen, origin)).searchParams;
      const code = answer.get('code');
      assert.ok(code);
      assert.equal(answer.get('state'), state);

      // Back on the page it started from: no code or state in the address, the referrer or
      // session history; the result page's entry was replaced (by the app page).
      const here = await page.evaluate(() => ({ href: location.href, referrer: document.referrer, length: history.length }));
      assert.equal(here.href, appUrl);
      assert.ok(!here.referrer.includes(code) && !here.referrer.includes(state), here.referrer);
      const history = await sessionHistory(ctx.browser.context, page);
      assert.equal(history.entries.length, here.length);
      assert.equal(history.currentIndex, history.entries.length - 1);
      assert.equal(history.entries.at(-1), appUrl);
      for (const url of history.entries) {
        assert.ok(!url.includes(code), `the code in history: ${url}`);
        assert.ok(!url.includes('/coauth/result_page'), `the result page in history: ${url}`);
        if (url.startsWith(origin)) assert.ok(!url.includes(state), `the state in the app's history: ${url}`);
      }
      // The result page's own URL was replaced before it went on.
      assert.ok(seen.navigations.includes(`${origin}/coauth/result_page`), seen.navigations.join('\n'));

      const first = await resume(page);
      assert.equal(first.error, null, `${JSON.stringify(first.error)}\n${demo.output()}`);
      assert.deepEqual(first.shape, { isPromise: true, closeWindow: 'function' });
      const result = first.value;
      assert.equal(result.mode, 'redirect');
      assert.equal(result.status, 200);
      assert.equal(result.transport, 'http');
      assert.equal(result.headers['content-type'], 'application/json');
      assert.equal(result.data.providerType, 'demo');
      assert.equal(result.data.identity, null);
      assert.equal(result.data.user.name, 'Ada Lovelace');
      assert.equal(result.data.user.email, 'ada@example.test');
      assert.deepEqual(calls(seen, 'result').map((r) => r.body), [{
        providerType: 'demo',
        flow: entry.flow,
        redirectUri: `${origin}/coauth/result_page`,
        response: { code, state },
        result: { fields: [] },
      }]);

      // Exactly once: the flow is forgotten.
      const second = await resume(page);
      assert.deepEqual({ value: second.value, error: second.error }, { value: null, error: null });
      assert.deepEqual(await pendingEntries(page), {});
      assert.equal(calls(seen, 'result').length, 1);

      // The same shape as a popup sign-in's result (demo-auto approves at once).
      const popup = await page.evaluate((o) => new window.coauth.Auth('/coauth').auth(o)
        .then((r) => JSON.parse(JSON.stringify(r))), { ...redirectOptions(origin), providerType: 'demo-auto', redirect: false });
      assert.equal(popup.mode, 'popup');
      assert.deepEqual(Object.keys(result).sort(), Object.keys(popup).sort());
      assert.deepEqual(Object.keys(result.data).sort(), Object.keys(popup.data).sort());
      assert.deepEqual(result.data.user, popup.data.user);
      assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
    } finally {
      if (bin) {
        await page.close();
        await demo.stop();
      }
    }
  });
}

// ---- resume() ----------------------------------------------------------------------------

test('resume(cb) with nothing waiting: cb(null, null), once and asynchronously; the handle has a harmless closeWindow', async () => {
  await openApp();
  const got = await ctx.page.evaluate(() => new Promise((resolve) => {
    let synchronous = true;
    const calls = [];
    const handle = new window.coauth.Auth('/coauth').resume((...args) => calls.push({ args, synchronous }));
    handle.closeWindow();
    synchronous = false;
    setTimeout(() => resolve({ calls, closeWindow: typeof handle.closeWindow }), 300);
  }));
  assert.deepEqual(got, { calls: [{ args: [null, null], synchronous: false }], closeWindow: 'function' });
});

test('deny at the provider: resume(cb) reports UserDenied 409, once, then forgets the flow', async () => {
  const { seen } = await signInAndReturn({}, { button: '#deny' });
  const answer = new URL(resultPageUrl(seen, base())).searchParams;
  assert.equal(answer.get('error'), 'access_denied');
  const got = await ctx.page.evaluate(() => new Promise((resolve) => {
    let synchronous = true;
    const calls = [];
    new window.coauth.Auth('/coauth').resume((...args) => {
      const [err, value] = args;
      if (!calls.length) setTimeout(() => resolve(calls), 300);
      calls.push({
        synchronous,
        argCount: args.length,
        error: err && { isError: err instanceof Error, code: err.code, status: err.status, hasResponse: !!err.response },
        value: value ?? null,
      });
    });
    synchronous = false;
  }));
  assert.deepEqual(got, [{
    synchronous: false,
    argCount: 1,
    error: { isError: true, code: 'UserDenied', status: 409, hasResponse: true },
    value: null,
  }]);
  assert.deepEqual(await pendingEntries(ctx.page), {});
  const again = await resume(ctx.page);
  assert.deepEqual({ value: again.value, error: again.error }, { value: null, error: null });
  assert.equal(calls(seen, 'result').length, 1);
});

test('errors in redirect mode: a provider error, a repeated parameter (InputError, no request), an unknown provider (before leaving)', async () => {
  const appUrl = await openApp();
  const seen = watch(ctx.page);
  // The provider's answer, as the tab would bring it to the result page, for the flow that
  // is waiting: `query` after the flow's state.
  const answerWith = async (query) => {
    await beginAuth(ctx.page, options());
    const state = new URL(await atProvider(ctx.page)).searchParams.get('state');
    await Promise.all([
      ctx.page.waitForURL(appUrl, { timeout: 15_000 }),
      ctx.page.goto(`${base()}/coauth/result_page?state=${state}&${query}`),
    ]);
    await ctx.page.waitForLoadState('load');
    return resume(ctx.page);
  };

  const provider = await answerWith('error=invalid_scope&error_description=no');
  assert.equal(provider.value, null);
  assert.equal(provider.error?.code, 'ProviderError', JSON.stringify(provider.error));
  assert.equal(provider.error.isError, true);
  assert.equal(calls(seen, 'result').length, 1);

  // A parameter given twice is never settled by picking one (SECURITY.md item 38): refused
  // on the app's page, before any request.
  const repeated = await answerWith('code=first&code=second');
  assert.deepEqual(repeated.error && { code: repeated.error.code, status: repeated.error.status }, { code: 'InputError', status: 400 });
  assert.equal(calls(seen, 'result').length, 1, 'no request for the repeated parameter');
  assert.deepEqual(await pendingEntries(ctx.page), {});

  const unknown = await authError(ctx.page, options({ providerType: 'no-such-provider' }));
  assert.deepEqual({ code: unknown.code, status: unknown.status }, { code: 'InputError', status: 400 });
  assert.equal(ctx.page.url(), appUrl);
  assert.deepEqual(await pendingEntries(ctx.page), {});
  assert.equal((await resume(ctx.page)).value, null);
});

// ---- Providers ---------------------------------------------------------------------------

test('Apple form_post in redirect mode: the POSTed answer comes back to the app, the name from `user`; deny is UserDenied', async () => {
  const appUrl = await openApp();
  const posts = [];
  ctx.page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/coauth/result_page') {
      posts.push({ method: request.method(), url: request.url(), body: request.postData() });
    }
  });
  const seen = watch(ctx.page);
  await beginAuth(ctx.page, options({ providerType: 'demo-apple' }));
  const authorize = new URL(await atProvider(ctx.page));
  assert.equal(authorize.searchParams.get('response_mode'), 'form_post');
  await decideAndReturn(ctx.page, appUrl);

  assert.equal(posts.length, 1, JSON.stringify(posts));
  assert.equal(posts[0].method, 'POST');
  assert.equal(posts[0].url, `${base()}/coauth/result_page`);
  const posted = Object.fromEntries(new URLSearchParams(posts[0].body));
  assert.ok(posted.code && posted.state && posted.user, posts[0].body);
  // Nothing of it in the app's URL or session history (the provider's authorize URL rightly
  // has the state), and the result page's POST entry is gone.
  const history = await sessionHistory(ctx.browser.context, ctx.page);
  assert.equal(history.entries.at(-1), appUrl);
  for (const url of history.entries) {
    assert.ok(!url.includes(posted.code) && !url.includes('/coauth/result_page'), url);
    if (url.startsWith(base())) assert.ok(!url.includes(posted.state), url);
  }

  const got = await resume(ctx.page);
  assert.equal(got.error, null, JSON.stringify(got.error));
  assert.equal(got.value.mode, 'redirect');
  assert.equal(got.value.data.providerType, 'demo-apple');
  assert.equal(got.value.data.user.name, 'Grace Hopper');
  assert.equal(got.value.data.user.email, 'grace@example.test');
  assert.deepEqual(calls(seen, 'result')[0].body.response, posted);
  assert.equal((await resume(ctx.page)).value, null);

  // Apple's denial, a form_post too.
  await beginAuth(ctx.page, options({ providerType: 'demo-apple' }));
  await decideAndReturn(ctx.page, appUrl, '#deny');
  assert.equal(Object.fromEntries(new URLSearchParams(posts[1].body)).error, 'user_cancelled_authorize');
  const denied = await resume(ctx.page);
  assert.deepEqual(denied.error && { code: denied.error.code, status: denied.error.status }, { code: 'UserDenied', status: 409 });
  assert.deepEqual(await pendingEntries(ctx.page), {});
  assert.deepEqual(await ctx.page.evaluate(() => window.__cspViolations), []);
});

test('a provider page with Cross-Origin-Opener-Policy: the tab\'s sessionStorage survives it, the sign-in completes', async () => {
  await signInAndReturn({ providerType: 'demo-coop' });
  const got = await resume(ctx.page);
  assert.equal(got.error, null, JSON.stringify(got.error));
  assert.equal(got.value.data.user.name, 'Ada Lovelace');
  assert.equal(got.value.mode, 'redirect');
});

/** The demo's Twitter preset against its mock OAuth 1.0a provider (tests/src/demo.rs). */
const TWITTER = 'demo-twitter';

/** The mock Twitter's user (MockOAuth1Config::default, TwitterUser::default). */
const TWITTER_USER = {
  id: '1234567890123456789',
  name: 'Grace Hopper',
  email: 'grace@example.test',
  username: 'grace_h',
};

/**
 * Waits until `page` shows the mock Twitter's authorization page (on its own origin, not the
 * app's), and returns the request token that names the flow there: OAuth 1.0a has no state.
 */
async function atTwitter(page) {
  const authorize = new URL(await atProvider(page));
  assert.equal(authorize.pathname, '/oauth/authenticate');
  assert.notEqual(authorize.origin, base(), 'the provider is another origin');
  assert.equal(authorize.searchParams.get('state'), null);
  const token = authorize.searchParams.get('oauth_token');
  assert.ok(token, authorize.href);
  return token;
}

test('OAuth 1.0a (Twitter\'s shape) in redirect mode: the request token names the flow; approve, and deny (`denied=<token>`)', async () => {
  const appUrl = await openApp();
  const seen = watch(ctx.page);
  await beginAuth(ctx.page, options({ providerType: TWITTER }));
  const token = await atTwitter(ctx.page);
  assert.deepEqual(calls(seen, 'auth_url').map((r) => ({ providerType: r.body.providerType, redirectUri: r.body.redirectUri, mode: r.body.mode })), [{
    providerType: TWITTER,
    redirectUri: `${base()}/coauth/result_page`,
    mode: 'redirect',
  }]);
  await decideAndReturn(ctx.page, appUrl);

  // The mock's approval: the request token and a verifier, to the result page.
  const answer = new URL(resultPageUrl(seen, base())).searchParams;
  assert.equal(answer.get('oauth_token'), token);
  const verifier = answer.get('oauth_verifier');
  assert.ok(verifier);
  // The flow waits under its request token, in this tab's sessionStorage only.
  const stored = await pendingEntries(ctx.page);
  assert.deepEqual(Object.keys(stored), [`coauth:pending:${token}`]);
  const entry = JSON.parse(stored[`coauth:pending:${token}`]);
  assert.equal(typeof entry.flow, 'string');
  assert.equal(await ctx.page.evaluate(() => localStorage.length), 0, 'nothing in localStorage');
  // Back on the app's page: the verifier is nowhere in the address or session history, the
  // result page's entry is gone, and the token only in the provider's own URL.
  assert.equal(ctx.page.url(), appUrl);
  const history = await sessionHistory(ctx.browser.context, ctx.page);
  assert.equal(history.entries.at(-1), appUrl);
  for (const url of history.entries) {
    assert.ok(!url.includes(verifier), `the verifier in history: ${url}`);
    assert.ok(!url.includes('/coauth/result_page'), `the result page in history: ${url}`);
    if (url.startsWith(base())) assert.ok(!url.includes(token), `the token in the app's history: ${url}`);
  }

  const got = await resume(ctx.page);
  assert.equal(got.error, null, `${JSON.stringify(got.error)}\n${ctx.demo.output()}`);
  assert.equal(got.value.mode, 'redirect');
  assert.equal(got.value.status, 200);
  assert.equal(got.value.data.providerType, TWITTER);
  assert.equal(got.value.data.identity, null);
  const { user } = got.value.data;
  assert.deepEqual({ id: user.id, name: user.name, email: user.email, username: user.username }, TWITTER_USER);
  assert.deepEqual(calls(seen, 'result').map((r) => r.body), [{
    providerType: TWITTER,
    flow: entry.flow,
    redirectUri: `${base()}/coauth/result_page`,
    response: { oauth_token: token, oauth_verifier: verifier },
    result: { fields: [] },
  }]);
  // Exactly once.
  assert.equal((await resume(ctx.page)).value, null);
  assert.deepEqual(await pendingEntries(ctx.page), {});
  assert.equal(calls(seen, 'result').length, 1);

  // Twitter's denial names the flow only as `denied`: it must still come back to the app.
  const deniedSeen = watch(ctx.page);
  await beginAuth(ctx.page, options({ providerType: TWITTER }));
  const deniedToken = await atTwitter(ctx.page);
  assert.notEqual(deniedToken, token);
  await decideAndReturn(ctx.page, appUrl, '#deny');
  const deniedAnswer = new URL(resultPageUrl(deniedSeen, base())).searchParams;
  assert.deepEqual([...deniedAnswer], [['denied', deniedToken]]);
  const denied = await resume(ctx.page);
  assert.equal(denied.value, null);
  assert.deepEqual(denied.error && { code: denied.error.code, status: denied.error.status }, { code: 'UserDenied', status: 409 });
  assert.deepEqual(calls(deniedSeen, 'result').map((r) => r.body.response), [{ denied: deniedToken }]);
  assert.deepEqual(await pendingEntries(ctx.page), {});
  assert.equal((await resume(ctx.page)).value, null);
  assert.equal(calls(deniedSeen, 'result').length, 1);
  assert.equal(ctx.page.url(), appUrl);
  for (const url of (await sessionHistory(ctx.browser.context, ctx.page)).entries) {
    assert.ok(!url.includes('/coauth/result_page'), `the result page in history: ${url}`);
    if (url.startsWith(base())) assert.ok(!url.includes(deniedToken), `the token in the app's history: ${url}`);
  }
  assert.deepEqual(await ctx.page.evaluate(() => window.__cspViolations), []);
});

test('OAuth 1.0a denial in a popup: `denied=<token>` reaches the app as UserDenied (not a silent wait)', async () => {
  await openApp();
  // The result request may come from the app's page or the popup: watch the whole browser.
  const results = [];
  const onRequest = (request) => {
    if (new URL(request.url()).pathname === '/coauth/result') results.push(request.postDataJSON());
  };
  const { context } = ctx.browser;
  context.on('request', onRequest);
  try {
    const opened = ctx.page.waitForEvent('popup');
    const outcome = ctx.page.evaluate((o) => new window.coauth.Auth('/coauth').auth(o)
      .then(() => null, (err) => ({ code: err.code, status: err.status })), options({ providerType: TWITTER, redirect: false }));
    const popup = await opened;
    const token = await atTwitter(popup);
    await popup.click('#deny').catch(() => { /* the opener may close it under the click */ });
    const got = await Promise.race([outcome, sleep(10_000).then(() => 'no answer after 10 s')]);
    assert.deepEqual(got, { code: 'UserDenied', status: 409 });
    await sleep(SETTLE_MS);
    assert.deepEqual(results.map((r) => r.response), [{ denied: token }]);
    assert.equal(results[0].providerType, TWITTER);
    assert.equal(ctx.page.url(), `${base()}${APP_PATH}`, 'the app\'s page stayed');
    assert.deepEqual(await pendingEntries(ctx.page), {});
  } finally {
    context.off('request', onRequest);
  }
});

// ---- Linking, customAuthResultRequest, returnTo ------------------------------------------

test('identity (account linking) in redirect mode: the result carries the identity the sign-in started with', async () => {
  await signInAndReturn({ identity: { account: 'acct-redirect' } });
  const got = await resume(ctx.page);
  assert.equal(got.error, null, JSON.stringify(got.error));
  assert.deepEqual(got.value.data.identity, { account: 'acct-redirect' });
  assert.equal(got.value.data.user.name, 'Ada Lovelace');
});

test('customAuthResultRequest: resume() hands over the data for the result step; closeWindow() is harmless', async () => {
  const { seen, state } = await signInAndReturn({
    customAuthResultRequest: true,
    identity: { account: 'acct-7' },
    result: { fields: ['email', 'preferred_username'] },
  });
  const got = await ctx.page.evaluate(() => new Promise((resolve) => {
    const auth = new window.coauth.Auth('/coauth');
    let calls = 0;
    const handle = auth.resume(async (err, data) => {
      calls += 1;
      // What the app does in a popup flow once it has the data: close the window. Here there
      // is none; nothing happens.
      handle.closeWindow();
      const answer = await auth.authResultHttpRequest(data);
      setTimeout(() => resolve({
        err, calls, data: JSON.parse(JSON.stringify(data)), answer, href: location.href,
      }), 300);
    });
  }));
  assert.equal(got.err, null);
  assert.equal(got.calls, 1);
  const { data } = got;
  assert.equal(data.providerType, 'demo');
  assert.deepEqual(data.identity, { account: 'acct-7' });
  assert.deepEqual(data.options, { result: { fields: ['email', 'preferred_username'] } });
  assert.equal(typeof data.flow, 'string');
  assert.equal(data.redirectUri, `${base()}/coauth/result_page`);
  assert.equal(data.response.state, state);
  assert.equal(typeof data.response.code, 'string');
  assert.equal(data.mode, 'redirect');
  // resume() itself called no result resource; the app's authResultHttpRequest did, once.
  assert.equal(calls(seen, 'result').length, 1);
  assert.equal(got.answer.status, 200);
  assert.deepEqual(got.answer.data.identity, { account: 'acct-7' });
  assert.deepEqual(got.answer.data.fields, { email: 'ada@example.test', preferred_username: 'ada' });
  assert.equal(got.href, `${base()}${APP_PATH}`, 'closeWindow() left the page alone');
  assert.equal((await resume(ctx.page)).value, null);
});

test('returnTo: a sign-in started on the demo\'s home page comes back to another page of the app', async () => {
  await ctx.page.goto(`${base()}/`);
  const target = `${base()}${APP_PATH}?after=signin#done`;
  await beginAuth(ctx.page, options({ providerType: 'demo-auto', returnTo: `${APP_PATH}?after=signin#done` }));
  // demo-auto answers at once: the tab goes to the provider and straight back.
  await ctx.page.waitForURL(target, { timeout: 15_000 });
  await ctx.page.waitForLoadState('load');
  const got = await resume(ctx.page);
  assert.equal(got.error, null, JSON.stringify(got.error));
  assert.equal(got.value.data.user.name, 'Ada Lovelace');
});

test('a foreign returnTo is a ValidationError before any request; nothing stored, the page stays', async () => {
  const appUrl = await openApp();
  const seen = watch(ctx.page);
  const port = new URL(base()).port;
  const foreign = [
    'https://evil.example/',
    '//evil.example/x',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    'javascript:alert(1)',
    'evil.example/x',
    `http://localhost:${port}${APP_PATH}`,
  ];
  for (const returnTo of foreign) {
    for (const mode of [{ redirect: true }, { redirect: false, fallback: 'redirect' }]) {
      const err = await authError(ctx.page, options({ ...mode, returnTo }));
      assert.equal(err?.code, 'ValidationError', `${JSON.stringify(returnTo)}: ${JSON.stringify(err)}`);
      assert.equal(err.status, 400);
      assert.equal(err.isError, true);
      assert.match(err.message, /returnTo/);
    }
  }
  await sleep(SETTLE_MS);
  assert.deepEqual(seen.requests, []);
  assert.equal(ctx.page.url(), appUrl);
  assert.deepEqual(await pendingEntries(ctx.page), {});
});

test('redirect mode needs a result page on this origin, and is never silent', async () => {
  await openApp();
  const seen = watch(ctx.page);
  const port = new URL(base()).port;
  const other = await authError(ctx.page, options({ resultPageUrl: `http://localhost:${port}/coauth/result_page` }));
  assert.equal(other.code, 'ValidationError');
  assert.match(other.message, /resultPageUrl/);
  const silent = await ctx.page.evaluate((o) => new window.coauth.Auth('/coauth').tryAuth(o)
    .then(() => null, (err) => ({ code: err.code, message: err.message })), options());
  assert.equal(silent.code, 'ValidationError');
  assert.match(silent.message, /redirect/);
  const hidden = await authError(ctx.page, options({ hidden: true }));
  assert.equal(hidden.code, 'ValidationError');
  assert.deepEqual(seen.requests, []);
});

test('redirect: true needs no authPageUrl (no popup, no stub page); the fallback still does', async () => {
  await openApp();
  const { authPageUrl, ...withoutStub } = options({ providerType: 'demo-auto', returnTo: `${APP_PATH}?back` });
  assert.equal(authPageUrl, '/coauth/auth_page');
  const fallback = await authError(ctx.page, { ...withoutStub, redirect: false, fallback: 'redirect' });
  assert.equal(fallback.code, 'ValidationError');
  assert.match(fallback.message, /authPageUrl/);
  await beginAuth(ctx.page, withoutStub);
  // demo-auto answers at once: the tab goes to the provider and straight back.
  await ctx.page.waitForURL(`${base()}${APP_PATH}?back`, { timeout: 15_000 });
  await ctx.page.waitForLoadState('load');
  const got = await resume(ctx.page);
  assert.equal(got.error, null, JSON.stringify(got.error));
  assert.equal(got.value.data.user.name, 'Ada Lovelace');
});

test('no usable sessionStorage: redirect mode is a ValidationError and the page stays; resume() gives null', async () => {
  const appUrl = await openApp();
  await ctx.page.evaluate(() => {
    Object.defineProperty(window, 'sessionStorage', {
      get() { throw new DOMException('Access is denied for this document.', 'SecurityError'); },
    });
  });
  const err = await authError(ctx.page, options());
  assert.equal(err.code, 'ValidationError');
  assert.match(err.message, /sessionStorage/);
  await sleep(SETTLE_MS);
  assert.equal(ctx.page.url(), appUrl);
  assert.deepEqual(await resume(ctx.page), { shape: { isPromise: true, closeWindow: 'function' }, value: null, error: null });
});

test('AbortSignal before the provider URL arrives: Aborted, the page stays, nothing stored', async () => {
  const appUrl = await openApp();
  await ctx.page.route('**/coauth/auth_url', () => { /* held */ });
  const got = await ctx.page.evaluate((o) => {
    const controller = new AbortController();
    const promise = new window.coauth.Auth('/coauth').auth({ ...o, signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    return promise.then(() => null, (err) => err.code);
  }, options());
  assert.equal(got, 'Aborted');
  await sleep(SETTLE_MS);
  assert.equal(ctx.page.url(), appUrl);
  assert.deepEqual(await pendingEntries(ctx.page), {});
});

// ---- Reload, Back, two tabs --------------------------------------------------------------

test('reload of the result page after delivery: no second delivery, no error page', async () => {
  const { appUrl, seen } = await signInAndReturn();
  const answerUrl = resultPageUrl(seen, base());
  assert.equal((await resume(ctx.page)).value.data.user.name, 'Ada Lovelace');
  const loadsBefore = appLoads.length;

  // The result page again, with the same answer (its old URL, from a restored tab or a
  // bookmark), then reloaded as it stands (its URL without the answer).
  for (const load of [() => ctx.page.goto(answerUrl), () => ctx.page.reload()]) {
    const response = await load();
    assert.equal(response.status(), 200);
    await ctx.page.waitForFunction(() => /^Sign-in finished/.test(document.getElementById('coauth-status').textContent));
    await sleep(SETTLE_MS);
    assert.equal(ctx.page.url(), `${base()}/coauth/result_page`, 'the answer is out of the URL, and the page stays');
  }
  assert.equal(appLoads.length, loadsBefore, 'the result page did not send the tab back to the app');
  await openApp();
  assert.equal((await resume(ctx.page)).value, null);
  assert.equal(calls(seen, 'result').length, 1);
  assert.ok(appUrl);
});

test('a reload of the result page before the app\'s page is back: the tab still returns, the answer is delivered once', async () => {
  const appUrl = await openApp();
  const seen = watch(ctx.page);
  await beginAuth(ctx.page, options());
  await atProvider(ctx.page);
  // A slow way back: the first request for the app's page hangs, so the tab stays on the
  // result page (its URL without the answer), where the user reloads.
  const held = [];
  await ctx.page.route(`**${APP_PATH}*`, (route) => {
    if (!held.length) {
      held.push(route);
      return undefined;
    }
    return route.fallback();
  });
  await ctx.page.click('#approve');
  for (let i = 0; !held.length && i < 150; i += 1) await sleep(100);
  assert.equal(held.length, 1, 'the result page asked for the app\'s page');
  assert.equal(ctx.page.url(), `${base()}/coauth/result_page`);
  const loadsBefore = appLoads.length;
  // The reload's own wait ends (ERR_ABORTED) when the reloaded result page sends the tab on.
  await ctx.page.reload().catch(() => { /* replaced by the result page's own navigation */ });
  for (let i = 0; ctx.page.url() !== appUrl && i < 150; i += 1) await sleep(100);
  assert.equal(ctx.page.url(), appUrl, 'the reloaded result page went back to the app');
  await ctx.page.waitForLoadState('load');
  // The held request was cancelled by the reload; its handler is dropped, not answered.
  await ctx.page.unroute(`**${APP_PATH}*`);
  assert.equal(appLoads.length, loadsBefore + 1);
  const got = await resume(ctx.page);
  assert.equal(got.error, null, JSON.stringify(got.error));
  assert.equal(got.value.data.user.name, 'Ada Lovelace');
  assert.equal((await resume(ctx.page)).value, null);
  assert.equal(calls(seen, 'result').length, 1);
});

test('Back after a finished sign-in: nothing is delivered again, at the provider or on the app\'s pages', async () => {
  const { appUrl, seen } = await signInAndReturn({}, { suffix: '?page=1' });
  assert.equal((await resume(ctx.page)).value.data.user.name, 'Ada Lovelace');

  // Back to the provider, whose page the user may submit again: the answer has no flow
  // waiting in this tab any more, so the result page keeps it.
  await ctx.page.goBack();
  await atProvider(ctx.page);
  await ctx.page.click('#approve');
  await ctx.page.waitForFunction(() => location.pathname === '/coauth/result_page' &&
    /^Sign-in finished/.test(document.getElementById('coauth-status').textContent));
  await sleep(SETTLE_MS);
  assert.equal(ctx.page.url(), `${base()}/coauth/result_page`);

  // And back to the page the sign-in started on.
  await ctx.page.goBack();
  await ctx.page.goBack();
  await ctx.page.waitForURL(appUrl);
  assert.equal((await resume(ctx.page)).value, null);
  assert.equal(calls(seen, 'result').length, 1);
});

test('Back at the provider: a later resume() gives null, and the next sign-in works', async () => {
  const appUrl = await openApp();
  const seen = watch(ctx.page);
  await beginAuth(ctx.page, options({ identity: 'abandoned' }));
  await atProvider(ctx.page);
  await ctx.page.goBack();
  await ctx.page.waitForURL(appUrl);
  await ctx.page.waitForLoadState('load');
  assert.deepEqual(await resume(ctx.page), { shape: { isPromise: true, closeWindow: 'function' }, value: null, error: null });

  await beginAuth(ctx.page, options({ identity: 'second' }));
  await decideAndReturn(ctx.page, appUrl);
  const got = await resume(ctx.page);
  assert.equal(got.error, null, JSON.stringify(got.error));
  assert.equal(got.value.data.identity, 'second');
  assert.equal((await resume(ctx.page)).value, null);
  assert.equal(calls(seen, 'result').length, 1);
});

test('two tabs signing in at once: each gets its own flow and result', async () => {
  const other = await ctx.browser.context.newPage();
  try {
    const urlA = await openApp(ctx.page, '?tab=a');
    const urlB = await openApp(other, '?tab=b');
    await beginAuth(ctx.page, options({ identity: 'tab-a' }));
    await beginAuth(other, options({ identity: 'tab-b' }));
    const stateA = new URL(await atProvider(ctx.page)).searchParams.get('state');
    const stateB = new URL(await atProvider(other)).searchParams.get('state');
    assert.notEqual(stateA, stateB);
    // B finishes first, then A.
    await decideAndReturn(other, urlB);
    assert.deepEqual(Object.keys(await pendingEntries(other)), [`coauth:pending:${stateB}`], 'tab B holds only its flow');
    await decideAndReturn(ctx.page, urlA);
    assert.deepEqual(Object.keys(await pendingEntries(ctx.page)), [`coauth:pending:${stateA}`], 'tab A holds only its flow');
    const a = await resume(ctx.page);
    const b = await resume(other);
    assert.equal(a.error, null, JSON.stringify(a.error));
    assert.equal(b.error, null, JSON.stringify(b.error));
    assert.equal(a.value.data.identity, 'tab-a');
    assert.equal(b.value.data.identity, 'tab-b');
    assert.equal((await resume(ctx.page)).value, null);
    assert.equal((await resume(other)).value, null);
  } finally {
    await other.close();
  }
});

// ---- Tampered sessionStorage -------------------------------------------------------------

/**
 * A result page that must refuse the tampered entry: it stays on the result page (its URL
 * without the answer), goes nowhere else, forgets the entry, and the app's resume() later
 * gets nothing. `tamper` says what happens to the entry's JSON text in the tab, on the result
 * page's origin, just before coauth.js reads it there: `set` fields, `remove` a field, `cut`
 * characters off its end, or `text` instead of it.
 */
async function refusedAtResultPage(tamper, label) {
  await openApp();
  const seen = watch(ctx.page);
  const foreign = [];
  await ctx.page.route(/evil\.example/, (route) => {
    foreign.push(route.request().url());
    return route.abort();
  });
  await beginAuth(ctx.page, options());
  const state = new URL(await atProvider(ctx.page)).searchParams.get('state');
  // The tampering happens in the tab's sessionStorage while the tab is away (at the
  // provider); the test does it on the result page before coauth.js runs there.
  await ctx.page.addInitScript(([key, t]) => {
    const text = sessionStorage.getItem(key);
    if (location.pathname !== '/coauth/result_page' || text === null) return;
    let out = text;
    if (t.set || t.remove) {
      const entry = { ...JSON.parse(text), ...t.set };
      delete entry[t.remove];
      out = JSON.stringify(entry);
    }
    if (t.cut) out = out.slice(0, -t.cut);
    if ('text' in t) out = t.text;
    sessionStorage.setItem(key, out);
  }, [`coauth:pending:${state}`, tamper]);
  const loadsBefore = appLoads.length;
  await ctx.page.click('#approve');
  await ctx.page.waitForFunction(() => location.pathname === '/coauth/result_page' &&
    /^Sign-in finished/.test(document.getElementById('coauth-status').textContent), null, { timeout: 15_000 });
  await sleep(SETTLE_MS);
  assert.equal(ctx.page.url(), `${base()}/coauth/result_page`, label);
  assert.equal(appLoads.length, loadsBefore, `${label}: no return to the app`);
  assert.deepEqual(foreign, [], `${label}: nothing sent to the foreign site`);
  assert.deepEqual(await pendingEntries(ctx.page), {}, `${label}: the entry is gone`);
  await openApp(ctx.page);
  assert.equal((await resume(ctx.page)).value, null, label);
  assert.deepEqual(calls(seen, 'result'), [], `${label}: no result request`);
}

test('tampered sessionStorage before the result page: a foreign returnTo, broken JSON, a stale or shapeless entry are refused there', async () => {
  const cases = {
    'returnTo https://evil.example/': { set: { returnTo: 'https://evil.example/' } },
    'returnTo //evil.example/x': { set: { returnTo: '//evil.example/x' } },
    'returnTo /\\evil.example': { set: { returnTo: '/\\evil.example' } },
    'returnTo javascript:': { set: { returnTo: 'javascript:alert(1)' } },
    'broken JSON': { cut: 5 },
    'expired': { set: { expires: Date.now() - 1000 } },
    'no flow': { remove: 'flow' },
    'not an object': { text: '[1,2]' },
  };
  for (const [label, tamper] of Object.entries(cases)) {
    await refusedAtResultPage(tamper, label);
    // A fresh page for the next case (the init script stays with its page).
    await ctx.page.close();
    ctx.page = await ctx.browser.context.newPage();
  }
});

test('tampered sessionStorage that still looks right: the server refuses it, resume() reports the error, nothing is delivered', async () => {
  const cases = [
    // The sealed flow altered: the server cannot open it.
    ['flow altered', (e) => ({ ...e, flow: `${e.flow.slice(0, -6)}AAAAAA` }), 'InputError'],
    // Another provider named: the sealed flow is for `demo`.
    ['providerType altered', (e) => ({ ...e, providerType: 'demo-auto' }), 'InputError'],
    // Another state in the answer: it does not belong to the flow.
    ['state altered', (e) => ({ ...e, response: { ...e.response, state: 'forged-state' } }), 'InputError'],
  ];
  for (const [label, tamper, code] of cases) {
    const { seen, state } = await signInAndReturn();
    const key = `coauth:pending:${state}`;
    const entry = JSON.parse((await pendingEntries(ctx.page))[key]);
    await ctx.page.evaluate(([k, v]) => sessionStorage.setItem(k, v), [key, JSON.stringify(tamper(entry))]);
    const got = await resume(ctx.page);
    assert.equal(got.value, null, label);
    assert.equal(got.error?.code, code, `${label}: ${JSON.stringify(got.error)}`);
    assert.equal(got.error.isError, true);
    assert.deepEqual(await pendingEntries(ctx.page), {}, `${label}: the entry is gone`);
    assert.equal((await resume(ctx.page)).value, null, label);
    assert.equal(calls(seen, 'result').length, 1, label);
  }
});
