// Popup flows beyond the happy path, in real Chromium against the demo's mock providers:
// Cross-Origin-Opener-Policy (a cut-off popup awaited for the flow's lifetime, closeWindow),
// the closed-popup grace period, forged messages (another origin, an unrelated tab of this
// origin), several flows at once, the Promise form, `authPageUrl: 'about:blank'`,
// AbortSignal and postMessageWorkaroundFuncName. Where the way the result page hands the
// answer over is what a test shows, the early answer is turned off (withoutEarlyAnswer: its
// waiting request is answered "not here"); the early answer itself is in early.test.mjs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  abortFlow, beginFlow, clickClosing, flowOutcome, flowSettled, popupClosed, probe, resultRequests, SETTLE_MS,
  sleep, useDemoPage, withClock, withoutEarlyAnswer,
} from './support.mjs';

const ctx = useDemoPage({ probe: true });

const options = (providerType, extra = {}) => ({
  providerType,
  authPageUrl: '/coauth/auth_page',
  resultPageUrl: `${ctx.demo.baseUrl}/coauth/result_page`,
  ...extra,
});

/** Starts a popup flow in `page` and returns its popup once the provider's consent page shows. */
async function openAtProvider(page, name, opts, flowExtra = {}) {
  const opened = page.waitForEvent('popup');
  await beginFlow(page, name, 'auth', opts, flowExtra);
  const popup = await opened;
  await popup.waitForSelector('#approve', { timeout: 15_000 });
  return popup;
}

/** The same in the test's page. */
const beginAtProvider = (name, providerType, extra = {}, flowExtra = {}) =>
  openAtProvider(ctx.page, name, options(providerType, extra), flowExtra);

/** Clicks Approve; the popup may close under the click. */
const approve = (popup) => clickClosing(popup, '#approve');

/** What a user does before closing a popup at the provider: looks at its page a while
 *  (longer than the second in which a `closed` popup counts as cut off by COOP). */
const LOOK_MS = 2500;

test('a provider page with COOP same-origin cuts the opener; the result still arrives by BroadcastChannel', async () => {
  await withoutEarlyAnswer(ctx.page);
  const popup = await beginAtProvider('coop', 'demo-coop');
  // What COOP does: the popup has no opener, and the opener sees a "closed" popup.
  assert.equal(await popup.evaluate(() => window.opener), null);
  const state = new URL(popup.url()).searchParams.get('state');
  await sleep(300);
  assert.equal(await flowSettled(ctx.page, 'coop'), false, 'a popup that reads closed is not a WindowClosed yet');

  const closed = popupClosed(popup);
  await approve(popup);
  const got = await flowOutcome(ctx.page, 'coop');
  assert.equal(got.error, null, JSON.stringify(got.error));
  assert.equal(got.calls, 1);
  assert.equal(got.result.data.user.name, 'Ada Lovelace');
  // The opener cannot close a severed popup: the result page closed itself on the ack.
  await closed;
  const channels = await ctx.page.evaluate(() => window.__coauthProbe.channelNames());
  assert.ok(channels.includes(`coauth:${state}`), channels.join());
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('COOP: a user who stays at the provider page many times closeGrace still signs in', async () => {
  // A cut-off popup reads closed as soon as the provider's page loads; closeGrace (here
  // 300 ms) bounds only a popup closed later. The user takes ten times that.
  await withoutEarlyAnswer(ctx.page);
  const results = resultRequests(ctx.page);
  const popup = await beginAtProvider('coop-slow', 'demo-coop', { window: { closeGrace: 300, closeCheckInterval: 100 } });
  assert.equal(await popup.evaluate(() => window.opener), null);
  await sleep(3000);
  assert.equal(await flowSettled(ctx.page, 'coop-slow'), false, 'no WindowClosed while the user is at the provider');

  const closed = popupClosed(popup);
  await approve(popup);
  const got = await flowOutcome(ctx.page, 'coop-slow');
  assert.equal(got.error, null, JSON.stringify(got.error));
  assert.equal(got.calls, 1);
  assert.equal(got.result.data.user.name, 'Ada Lovelace');
  assert.ok(got.elapsed > 3000, `${got.elapsed} ms`);
  assert.equal(results.length, 1);
  await closed;
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('COOP: a cut-off popup is awaited until the flow\'s 10-minute lifetime, not less', async () => {
  await withClock(ctx.demo.baseUrl, async (page) => {
    await openAtProvider(page, 'lifetime', options('demo-coop'));
    // Let the closed-poll see the cut in real time, then jump to just before the lifetime.
    await sleep(1000);
    await page.clock.fastForward('09:50');
    await sleep(200);
    assert.equal(await flowSettled(page, 'lifetime'), false, 'still waiting 9 min 50 s later');
    await page.clock.fastForward('00:15');
    const got = await flowOutcome(page, 'lifetime');
    assert.equal(got.calls, 1);
    assert.equal(got.error.code, 'WindowClosed');
    assert.match(got.error.message, /expired/);
  });
});

test('COOP: closing a cut-off popup at the provider cannot be seen; closeWindow() or the signal ends the flow', async () => {
  // What the app's page sees of a popup whose opener a COOP page cut: `closed`, from the
  // moment the provider's page loaded, whatever the user does later. Closing it changes
  // nothing this page can observe, so the flow waits for the app to give up.
  const popup = await beginAtProvider('coop-close', 'demo-coop', { window: { closeGrace: 300 } });
  await popup.close();
  await sleep(1500);
  assert.equal(await flowSettled(ctx.page, 'coop-close'), false, 'a close this page cannot see');
  const cancelledAt = await ctx.page.evaluate(() => {
    window.__coauthFlows['coop-close'].worker.closeWindow();
    return performance.now();
  });
  const got = await flowOutcome(ctx.page, 'coop-close');
  assert.equal(got.calls, 1);
  assert.equal(got.error.code, 'WindowClosed');
  const settledAt = await ctx.page.evaluate(() => window.__coauthFlows['coop-close'].startedAt + window.__coauthFlows['coop-close'].elapsed);
  assert.ok(settledAt - cancelledAt < 100, `${settledAt - cancelledAt} ms after closeWindow()`);
  assert.deepEqual(await probe(ctx.page), ctx.baseline);

  // The same with an AbortSignal: Aborted.
  const second = await beginAtProvider('coop-abort', 'demo-coop', {}, { signal: true });
  await second.close();
  await sleep(500);
  assert.equal(await flowSettled(ctx.page, 'coop-abort'), false);
  await abortFlow(ctx.page, 'coop-abort');
  const aborted = await flowOutcome(ctx.page, 'coop-abort');
  assert.equal(aborted.calls, 1);
  assert.equal(aborted.error.code, 'Aborted');
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('closing the popup at the provider: WindowClosed only after the grace period', async () => {
  const popup = await beginAtProvider('closed', 'demo', { window: { closeGrace: 1500 } });
  await sleep(LOOK_MS);
  await popup.close();
  const closedAt = await ctx.page.evaluate(() => performance.now());
  await sleep(1000);
  assert.equal(await flowSettled(ctx.page, 'closed'), false, 'still within the grace period');
  const got = await flowOutcome(ctx.page, 'closed');
  const settledAt = await ctx.page.evaluate(() => window.__coauthFlows.closed.startedAt + window.__coauthFlows.closed.elapsed);
  assert.equal(got.calls, 1);
  assert.equal(got.error.code, 'WindowClosed');
  assert.ok(settledAt - closedAt >= 1400, `WindowClosed ${settledAt - closedAt} ms after the close`);
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('the default grace period is 2 s; closing on the stub page needs none', async () => {
  const popup = await beginAtProvider('default-grace', 'demo');
  await sleep(LOOK_MS);
  await popup.close();
  const closedAt = await ctx.page.evaluate(() => performance.now());
  const got = await flowOutcome(ctx.page, 'default-grace');
  assert.equal(got.calls, 1);
  const settledAt = await ctx.page.evaluate(() => window.__coauthFlows['default-grace'].startedAt + window.__coauthFlows['default-grace'].elapsed);
  assert.equal(got.error.code, 'WindowClosed');
  assert.ok(settledAt - closedAt >= 1900 && settledAt - closedAt < 3000, `${settledAt - closedAt} ms`);

  // auth_url held back: the popup is still on our own stub page, so `closed` is the truth.
  await ctx.page.route('**/coauth/auth_url', () => {});
  const opened = ctx.page.waitForEvent('popup');
  await beginFlow(ctx.page, 'stub', 'auth', options('demo'));
  const stub = await opened;
  await stub.close();
  const onStub = await flowOutcome(ctx.page, 'stub');
  assert.equal(onStub.error.code, 'WindowClosed');
  assert.ok(onStub.elapsed < 1500, `${onStub.elapsed} ms`);
  assert.equal(onStub.calls, 1);
});

test('messages from another origin, by postMessage or BroadcastChannel, are ignored', async () => {
  await withoutEarlyAnswer(ctx.page);
  const results = resultRequests(ctx.page);
  const popup = await beginAtProvider('forged', 'demo');
  const authorizeUrl = popup.url();
  const state = new URL(authorizeUrl).searchParams.get('state');
  const forged = { type: 'coauth:result', params: { code: 'forged', state } };

  // The popup itself (the right window) on a second origin: localhost instead of 127.0.0.1.
  const port = new URL(ctx.demo.baseUrl).port;
  // A navigation the page makes itself keeps the opener (Playwright's goto would not).
  const secondOrigin = `http://localhost:${port}/coauth/auth_page`;
  await Promise.all([
    popup.waitForURL(secondOrigin),
    popup.evaluate((url) => { location.href = url; }, secondOrigin),
  ]);
  await popup.evaluate((m) => {
    window.opener.postMessage(m, '*');
    const channel = new BroadcastChannel(`coauth:${m.params.state}`);
    channel.postMessage(m);
    channel.close();
  }, forged);
  // An unrelated page of that second origin tries the flow's channel too.
  const other = await ctx.browser.context.newPage();
  await other.goto(`http://localhost:${port}/`);
  await other.evaluate((m) => new BroadcastChannel(`coauth:${m.params.state}`).postMessage(m), forged);
  await other.close();
  await sleep(SETTLE_MS);
  assert.equal(await flowSettled(ctx.page, 'forged'), false);
  assert.deepEqual(results, []);

  // Back at the provider, the real answer still completes the flow.
  await Promise.all([
    popup.waitForURL(authorizeUrl),
    popup.evaluate((url) => { location.href = url; }, authorizeUrl),
  ]);
  const closed = popupClosed(popup);
  await approve(popup);
  await closed;
  const got = await flowOutcome(ctx.page, 'forged');
  assert.equal(got.error, null, JSON.stringify(got.error));
  assert.equal(got.calls, 1);
  assert.equal(results.length, 1);
  assert.notEqual(results[0].response.code, 'forged');
});

test('a result page opened by an unrelated tab of this origin is ignored while the popup is open', async () => {
  // Every page of this origin can join the flow's BroadcastChannel. While the app's page
  // can still see its popup (no COOP cut it off), the popup's own result page posts to the
  // app's window directly, so nothing on the channel counts.
  const bodies = [];
  await ctx.page.route('**/coauth/result', (route) => {
    bodies.push(route.request().postDataJSON());
    return route.continue();
  });
  await withoutEarlyAnswer(ctx.page);
  const popup = await beginAtProvider('tab', 'demo');
  const state = new URL(popup.url()).searchParams.get('state');

  // A second page of the same browser, not opened by the app's page, lands on the result
  // page with the flow's state and a code of its own: it has no opener, so it posts on the
  // flow's channel.
  const other = await ctx.browser.context.newPage();
  await other.goto(`${ctx.demo.baseUrl}/coauth/result_page?state=${state}&code=forged-by-another-tab`);
  await other.waitForFunction(() => document.getElementById('coauth-status').textContent.startsWith('Sign-in finished'));
  const channels = await other.evaluate(() => window.__coauthProbe.channelNames());
  assert.ok(channels.includes(`coauth:${state}`), 'the other tab posted on the flow\'s channel');
  await sleep(SETTLE_MS);
  assert.equal(await flowSettled(ctx.page, 'tab'), false);
  assert.deepEqual(bodies, [], 'nothing reached the result resource');
  assert.equal(other.isClosed(), false, 'no acknowledgement closed the other tab');

  // The real answer, from the popup, completes the flow.
  const closed = popupClosed(popup);
  await approve(popup);
  await closed;
  const got = await flowOutcome(ctx.page, 'tab');
  assert.equal(got.error, null, JSON.stringify(got.error));
  assert.equal(got.calls, 1);
  assert.equal(got.result.data.user.name, 'Ada Lovelace');
  assert.equal(bodies.length, 1);
  assert.notEqual(bodies[0].response.code, 'forged-by-another-tab');
  assert.equal(bodies[0].redirectUri, `${ctx.demo.baseUrl}/coauth/result_page`);
  await other.close();
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('several flows at once stay independent; another flow\'s answer and late messages are ignored', async () => {
  await withoutEarlyAnswer(ctx.page);
  const results = resultRequests(ctx.page);
  const popupA = await beginAtProvider('a', 'demo', { identity: 'identity-a' });
  const popupB = await beginAtProvider('b', 'demo', { identity: 'identity-b' });
  const urlA = popupA.url();
  const stateB = new URL(popupB.url()).searchParams.get('state');

  // Popup A lands on our result page with flow B's state: A's flow sees a foreign flow id,
  // B's flow sees the wrong window. Nobody calls the result resource.
  await popupA.goto(`${ctx.demo.baseUrl}/coauth/result_page?code=cross&state=${stateB}`);
  await sleep(SETTLE_MS);
  assert.deepEqual(results, []);

  await popupA.goto(urlA);
  const closedB = popupClosed(popupB);
  await approve(popupB);
  await closedB;
  const b = await flowOutcome(ctx.page, 'b');
  assert.equal(await flowSettled(ctx.page, 'a'), false);
  const closedA = popupClosed(popupA);
  await approve(popupA);
  await closedA;
  const a = await flowOutcome(ctx.page, 'a');

  assert.equal(a.error, null, JSON.stringify(a.error));
  assert.equal(b.error, null, JSON.stringify(b.error));
  assert.equal(a.result.data.identity, 'identity-a');
  assert.equal(b.result.data.identity, 'identity-b');
  assert.equal(a.calls, 1);
  assert.equal(b.calls, 1);
  assert.equal(results.length, 2);

  // A late copy of B's answer, from a window of our origin, changes nothing.
  await ctx.page.evaluate((state) => window.postMessage({ type: 'coauth:result', params: { code: 'late', state } }, location.origin), stateB);
  await sleep(SETTLE_MS);
  assert.equal(results.length, 2);
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('Promise form: resolves with the response, rejects with the error, and has closeWindow', async () => {
  const outcome = await ctx.page.evaluate(async (opts) => {
    const auth = new coauth.Auth('/coauth');
    const promise = auth.auth(opts);
    const shape = { isPromise: promise instanceof Promise, closeWindow: typeof promise.closeWindow };
    const response = await promise;
    let rejected = null;
    try {
      await auth.auth({ ...opts, providerType: 'no-such-provider' });
    } catch (err) {
      rejected = { isError: err instanceof Error, code: err.code, status: err.status };
    }
    return { shape, response, rejected };
  }, options('demo-auto'));
  assert.deepEqual(outcome.shape, { isPromise: true, closeWindow: 'function' });
  assert.equal(outcome.response.status, 200);
  assert.equal(outcome.response.data.user.name, 'Ada Lovelace');
  assert.deepEqual(outcome.rejected, { isError: true, code: 'InputError', status: 400 });
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('authPageUrl about:blank: no stub page is loaded, and the sign-in completes', async () => {
  const stubs = [];
  const onRequest = (req) => {
    if (new URL(req.url()).pathname === '/coauth/auth_page') stubs.push(req.url());
  };
  ctx.browser.context.on('request', onRequest);
  try {
    const response = await ctx.page.evaluate((opts) => new coauth.Auth('/coauth').auth(opts)
      .then((r) => JSON.parse(JSON.stringify(r))), options('demo-auto', { authPageUrl: 'about:blank' }));
    assert.equal(response.status, 200);
    assert.equal(response.mode, 'popup');
    assert.equal(response.data.user.name, 'Ada Lovelace');
  } finally {
    ctx.browser.context.off('request', onRequest);
  }
  assert.deepEqual(stubs, []);
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('AbortSignal: cancels a flow at the provider and closes its popup; an aborted signal opens nothing', async () => {
  const popup = await beginAtProvider('abort', 'demo', {}, { signal: true });
  const closed = popupClosed(popup);
  await abortFlow(ctx.page, 'abort');
  await closed;
  const got = await flowOutcome(ctx.page, 'abort');
  assert.equal(got.calls, 1);
  assert.equal(got.error.code, 'Aborted');
  assert.equal(got.error.isError, true);

  const requests = [];
  ctx.page.on('request', (req) => {
    if (new URL(req.url()).pathname.startsWith('/coauth/')) requests.push(req.url());
  });
  const popups = [];
  ctx.page.on('popup', (p) => popups.push(p));
  const early = await ctx.page.evaluate(async (opts) => {
    const controller = new AbortController();
    controller.abort();
    try {
      await new coauth.Auth('/coauth').auth({ ...opts, signal: controller.signal });
      return null;
    } catch (err) {
      return err.code;
    }
  }, options('demo'));
  await sleep(SETTLE_MS);
  assert.equal(early, 'Aborted');
  assert.deepEqual(requests, []);
  assert.deepEqual(popups, []);
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('postMessageWorkaroundFuncName: without postMessage the result page calls the named function, same origin', async () => {
  // postMessage is unavailable on the app's window (as in old IE for popups). The provider is
  // the OAuth 1.0a one: no early answer for it, so only the result page can hand the answer
  // over.
  await ctx.page.evaluate(() => {
    window.postMessage = undefined;
  });
  const popup = await beginAtProvider('workaround', 'demo-twitter', { postMessageWorkaroundFuncName: 'coauthReceive' });
  // Count the calls: wrap the function coauth installed for this flow.
  const installed = await ctx.page.evaluate(() => {
    const original = window.coauthReceive;
    window.__workaroundCalls = 0;
    window.coauthReceive = function (message) {
      window.__workaroundCalls += 1;
      return original(message);
    };
    return typeof original;
  });
  assert.equal(installed, 'function');

  const closed = popupClosed(popup);
  await approve(popup);
  await closed;
  const got = await flowOutcome(ctx.page, 'workaround');
  assert.equal(got.error, null, JSON.stringify(got.error));
  assert.equal(got.calls, 1);
  assert.equal(got.result.data.user.name, 'Grace Hopper');
  assert.equal(await ctx.page.evaluate(() => window.__workaroundCalls), 1);
  assert.equal(await ctx.page.evaluate(() => 'coauthReceive' in window), false, 'removed with the flow');
  assert.deepEqual(await probe(ctx.page), ctx.baseline);

  // A name that is already taken on the window is refused, not overwritten.
  await beginFlow(ctx.page, 'taken', 'auth', options('demo', { postMessageWorkaroundFuncName: 'alert' }));
  const taken = await flowOutcome(ctx.page, 'taken');
  assert.equal(taken.calls, 1);
  assert.equal(taken.error.code, 'ValidationError');
  assert.match(taken.error.message, /postMessageWorkaroundFuncName/);
  assert.equal(await ctx.page.evaluate(() => typeof window.alert), 'function');
});
