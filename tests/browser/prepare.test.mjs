// `auth.prepare(options)` in real Chromium against the demo's mock providers: the flow asked
// for ahead of the click, so that the sign-in with the same options opens its popup straight
// on the provider's page (no stub page, no auth_url request in the click); used by one
// sign-in only, only with the same options, only while fresh; waited for when the click
// comes while it is on its way; several asked for at once in a browser without the binding
// cookie all sign in; a popup cut off by COOP; its errors; silent sign-in; and in redirect
// mode, the tab goes straight to the provider.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  authIn, beginFlow, clickClosing, flowOutcome, flowSettled, popupClosed, probe, SETTLE_MS, sleep,
  useDemoPage, withClock, withoutEarlyAnswer,
} from './support.mjs';
import {
  APP_PATH, atProvider, decideAndReturn, redirectOptions, resume, serveApp,
} from './redirect-support.mjs';

const ctx = useDemoPage({
  probe: true,
  async setup({ browser }) {
    await serveApp(browser.context);
  },
});

const options = (providerType, extra = {}) => ({
  providerType,
  authPageUrl: '/coauth/auth_page',
  resultPageUrl: `${ctx.demo.baseUrl}/coauth/result_page`,
  ...extra,
});

/**
 * Records, from now on, every request of the browser (the app's page and its popups) to the
 * demo's origin and to the mock provider: `{ path, at }`, `at` counting the calls of
 * `mark()` made before the request, so a test can tell what was sent before and after a step.
 */
function record() {
  const seen = { requests: [], marks: 0 };
  const onRequest = (req) => {
    const url = new URL(req.url());
    let fromPopup;
    try {
      fromPopup = req.frame().page() !== ctx.page;
    } catch {
      // A navigation requested before its frame exists: a new window's first one.
      fromPopup = true;
    }
    seen.requests.push({ path: url.pathname, at: seen.marks, fromPopup });
  };
  ctx.browser.context.on('request', onRequest);
  seen.mark = () => { seen.marks += 1; };
  seen.stop = () => ctx.browser.context.off('request', onRequest);
  seen.paths = (path) => seen.requests.filter((r) => r.path === path);
  return seen;
}

/** `new coauth.Auth('/coauth').prepare(options)` in the page: `{ value }` or `{ error }`. */
function prepareIn(page, opts) {
  return page.evaluate(async (o) => {
    try {
      return { value: await new coauth.Auth('/coauth').prepare(o) ?? null, error: null };
    } catch (err) {
      return { value: null, error: { isError: err instanceof Error, code: err.code, status: err.status } };
    }
  }, opts);
}

/** A popup sign-in with `auth(opts)` that must succeed: its result. */
async function signIn(page, opts) {
  const got = await authIn(page, opts);
  assert.equal(got.error, null, JSON.stringify(got.error));
  return got.result;
}

test('prepare, then auth: the popup opens straight on the provider, with no stub page and no auth_url request in the click', async () => {
  const seen = record();
  const opened = [];
  ctx.page.on('popup', (popup) => opened.push(popup));
  try {
    const prepared = await prepareIn(ctx.page, options('demo-auto'));
    assert.deepEqual(prepared, { value: null, error: null });
    assert.equal(seen.paths('/coauth/auth_url').length, 1);
    seen.mark();
    const response = await signIn(ctx.page, options('demo-auto'));
    assert.equal(response.status, 200);
    assert.equal(response.mode, 'popup');
    assert.equal(response.data.user.name, 'Ada Lovelace');
  } finally {
    seen.stop();
  }
  // The one auth_url request was prepare()'s; the popup never asked for the stub page, and
  // its first request was the provider's authorization endpoint.
  assert.deepEqual(seen.paths('/coauth/auth_url').map((r) => r.at), [0]);
  assert.deepEqual(seen.paths('/coauth/auth_page'), []);
  const fromPopup = seen.requests.filter((r) => r.fromPopup);
  assert.match(fromPopup[0].path, /authorize/);
  assert.equal(seen.paths('/coauth/result').length, 1);
  assert.equal(opened.length, 1);
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('a prepared flow serves one sign-in: the next one with the same options asks the server again, on the stub page', async () => {
  await prepareIn(ctx.page, options('demo-auto'));
  const seen = record();
  try {
    const first = await signIn(ctx.page, options('demo-auto'));
    const second = await signIn(ctx.page, options('demo-auto'));
    assert.equal(first.data.user.name, 'Ada Lovelace');
    assert.equal(second.data.user.name, 'Ada Lovelace');
  } finally {
    seen.stop();
  }
  assert.equal(seen.paths('/coauth/auth_url').length, 1, 'only the second sign-in asked');
  assert.equal(seen.paths('/coauth/auth_page').length, 1, 'only the second popup loaded the stub page');
  assert.equal(seen.paths('/coauth/result').length, 2);
});

test('prepare is asked once for the same options, and used only by a sign-in with the same options', async () => {
  const seen = record();
  try {
    // The same options twice: one request, both resolve.
    const twice = await ctx.page.evaluate((o) => {
      const auth = new coauth.Auth('/coauth');
      return Promise.all([auth.prepare(o), auth.prepare({ ...o })]).then((values) => values.length);
    }, options('demo'));
    assert.equal(twice, 2);
    assert.equal(seen.paths('/coauth/auth_url').length, 1);

    // Another provider (and other scopes) take their own flows; the prepared one stays.
    assert.equal((await signIn(ctx.page, options('demo-auto'))).data.user.name, 'Ada Lovelace');
    assert.equal((await signIn(ctx.page, options('demo-auto', { auth: { scope: ['email'] } }))).status, 200);
    assert.equal(seen.paths('/coauth/auth_url').length, 3);

    // The prepared provider's sign-in: straight to the consent page, no request in the click.
    seen.mark();
    const opened = ctx.page.waitForEvent('popup');
    await beginFlow(ctx.page, 'prepared', 'auth', options('demo'));
    const popup = await opened;
    await popup.waitForSelector('#approve', { timeout: 15_000 });
    await clickClosing(popup, '#approve');
    const got = await flowOutcome(ctx.page, 'prepared');
    assert.equal(got.calls, 1);
    assert.equal(got.error, null);
    assert.equal(got.result.data.user.name, 'Ada Lovelace');
  } finally {
    seen.stop();
  }
  assert.deepEqual(seen.paths('/coauth/auth_url').filter((r) => r.at === 1), []);
  assert.equal(seen.paths('/coauth/auth_page').length, 2, 'only the two demo-auto popups loaded the stub page');
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('flows prepared at once in a browser without the binding cookie all sign in (prepare asks one at a time)', async () => {
  await ctx.browser.context.clearCookies();
  const seen = record();
  try {
    await ctx.page.evaluate((list) => {
      const auth = new coauth.Auth('/coauth');
      return Promise.all(list.map((o) => auth.prepare(o)));
    }, [options('demo-auto'), options('demo-auto', { auth: { scope: ['email'] } }), options('demo-auto', { auth: { scope: ['profile'] } })]);
    assert.equal(seen.paths('/coauth/auth_url').length, 3);
    seen.mark();
    for (const scope of [[], ['email'], ['profile']]) {
      const response = await signIn(ctx.page, options('demo-auto', { auth: { scope } }));
      assert.equal(response.status, 200, JSON.stringify(scope));
      assert.equal(response.data.user.name, 'Ada Lovelace');
    }
  } finally {
    seen.stop();
  }
  assert.equal(seen.paths('/coauth/auth_url').length, 3, 'every sign-in used its prepared flow');
  assert.deepEqual(seen.paths('/coauth/auth_page'), []);
});

test('a click while the prepared flow is on its way: the popup waits on the stub page for it, one request in all', async () => {
  const seen = record();
  try {
    const response = await ctx.page.evaluate((o) => {
      const auth = new coauth.Auth('/coauth');
      auth.prepare(o);
      return auth.auth(o).then((r) => JSON.parse(JSON.stringify(r)));
    }, options('demo-auto'));
    assert.equal(response.status, 200);
    assert.equal(response.data.user.name, 'Ada Lovelace');
  } finally {
    seen.stop();
  }
  assert.equal(seen.paths('/coauth/auth_url').length, 1);
  assert.equal(seen.paths('/coauth/auth_page').length, 1);
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('a prepared flow older than a minute is not used: the sign-in asks for a new one', async () => {
  await withClock(ctx.demo.baseUrl, async (page, context) => {
    const paths = [];
    context.on('request', (req) => paths.push(new URL(req.url()).pathname));
    await prepareIn(page, options('demo-auto'));
    assert.deepEqual(paths.filter((p) => p === '/coauth/auth_url').length, 1);
    await page.clock.fastForward(61_000);
    const response = await signIn(page, options('demo-auto'));
    assert.equal(response.status, 200);
    assert.equal(paths.filter((p) => p === '/coauth/auth_url').length, 2);
    assert.equal(paths.filter((p) => p === '/coauth/auth_page').length, 1);
  });
});

test('a prepared popup cut off by the provider page\'s COOP is still awaited, and its answer arrives by BroadcastChannel', async () => {
  // The popup opens on the provider's URL, so its first document is the initial blank one,
  // this origin's: the client must take that one, not the provider's page, as where the
  // popup started. A provider slow to answer (here 600 ms) keeps the popup on it for a few
  // of the client's closed-polls.
  const opts = options('demo-coop', { window: { closeGrace: 300, closeCheckInterval: 100 } });
  await withoutEarlyAnswer(ctx.page);
  await prepareIn(ctx.page, opts);
  const slow = async (route) => {
    await sleep(600);
    await route.continue();
  };
  const authorize = (url) => url.pathname.endsWith('/authorize');
  await ctx.browser.context.route(authorize, slow);
  let popup;
  try {
    const opened = ctx.page.waitForEvent('popup');
    await beginFlow(ctx.page, 'coop', 'auth', opts);
    popup = await opened;
    await popup.waitForSelector('#approve', { timeout: 15_000 });
  } finally {
    await ctx.browser.context.unroute(authorize, slow);
  }
  assert.equal(await popup.evaluate(() => window.opener), null);
  // Many times closeGrace at the provider: the cut-off popup is not taken as closed.
  await sleep(1500);
  assert.equal(await flowSettled(ctx.page, 'coop'), false);
  const closed = popupClosed(popup);
  await clickClosing(popup, '#approve');
  const got = await flowOutcome(ctx.page, 'coop');
  assert.equal(got.error, null, JSON.stringify(got.error));
  assert.equal(got.calls, 1);
  assert.equal(got.result.data.user.name, 'Ada Lovelace');
  await closed;
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('prepare reports bad options (no request) and the server\'s refusal, and keeps no failed flow', async () => {
  const seen = record();
  try {
    const invalid = await prepareIn(ctx.page, { providerType: 'demo' });
    assert.deepEqual(invalid.error, { isError: true, code: 'ValidationError', status: 400 });
    assert.equal(seen.requests.filter((r) => r.path.startsWith('/coauth/')).length, 0);

    const unknown = await prepareIn(ctx.page, options('no-such-provider'));
    assert.deepEqual(unknown.error, { isError: true, code: 'InputError', status: 400 });
    // The failed flow is not kept: asking again asks the server again.
    const again = await prepareIn(ctx.page, options('no-such-provider'));
    assert.equal(again.error.code, 'InputError');
    assert.equal(seen.paths('/coauth/auth_url').length, 2);

    // The callback form: cb(err), then cb(null) once a flow is ready.
    const calls = await ctx.page.evaluate((o) => new Promise((resolve) => {
      const auth = new coauth.Auth('/coauth');
      auth.prepare({ ...o, providerType: 'no-such-provider' }, (err) => {
        auth.prepare(o, (...args) => resolve([err.code, args[0], args[1] === undefined]));
      });
    }), options('demo-auto'));
    assert.deepEqual(calls, ['InputError', null, true]);
  } finally {
    seen.stop();
  }
  await sleep(SETTLE_MS);
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('silent sign-in: prepared with hidden: true, tryAuth() puts the provider in its frame at once', async () => {
  const silentOptions = { providerType: 'demo-auto', resultPageUrl: `${ctx.demo.baseUrl}/coauth/result_page` };
  const prepared = await prepareIn(ctx.page, { ...silentOptions, hidden: true });
  assert.equal(prepared.error, null);
  const seen = record();
  try {
    const response = await ctx.page.evaluate((o) => new coauth.Auth('/coauth').tryAuth(o)
      .then((r) => JSON.parse(JSON.stringify(r))), silentOptions);
    assert.equal(response.mode, 'silent');
    assert.equal(response.data.user.name, 'Ada Lovelace');
  } finally {
    seen.stop();
  }
  assert.deepEqual(seen.paths('/coauth/auth_url'), []);
  // The flow prepared for a popup is another one: it does not serve a silent sign-in.
  const popupOptions = { ...silentOptions, authPageUrl: '/coauth/auth_page' };
  assert.equal((await prepareIn(ctx.page, popupOptions)).error, null);
  const again = record();
  try {
    await ctx.page.evaluate((o) => new coauth.Auth('/coauth').tryAuth(o), popupOptions);
  } finally {
    again.stop();
  }
  assert.equal(again.paths('/coauth/auth_url').length, 1);
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('redirect mode: a prepared flow sends the tab straight to the provider, and resume() finishes it', async () => {
  const appUrl = `${ctx.demo.baseUrl}${APP_PATH}`;
  await ctx.page.goto(appUrl);
  const opts = redirectOptions(ctx.demo.baseUrl);
  await prepareIn(ctx.page, opts);
  const seen = record();
  try {
    await ctx.page.evaluate((o) => { new coauth.Auth('/coauth').auth(o); }, opts);
    await atProvider(ctx.page);
    await decideAndReturn(ctx.page, appUrl);
    const resumed = await resume(ctx.page);
    assert.equal(resumed.error, null);
    assert.equal(resumed.value.mode, 'redirect');
    assert.equal(resumed.value.data.user.name, 'Ada Lovelace');
  } finally {
    seen.stop();
  }
  assert.deepEqual(seen.paths('/coauth/auth_url'), []);
  assert.equal(seen.paths('/coauth/result').length, 1);
});
