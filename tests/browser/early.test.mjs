// The early answer in real Chromium against the demo's mock providers: the app's page sends
// a waiting result request as the window leaves for the provider, the server hands it the
// provider's answer as the redirect lands, and the sign-in ends on that request alone,
// popup (COOP-cut too) or silent; a "not here" (204) or a request lost on the way leaves
// the result page's way, and an answer the server took is never sent again.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  beginFlow, clickClosing, flowOutcome, flowSettled, popupClosed, probe, resultRequests, SETTLE_MS, sleep,
  useDemoPage, withClock, withoutEarlyAnswer,
} from './support.mjs';

const ctx = useDemoPage({ probe: true });

const options = (providerType, extra = {}) => ({
  providerType,
  authPageUrl: '/coauth/auth_page',
  resultPageUrl: `${ctx.demo.baseUrl}/coauth/result_page`,
  ...extra,
});

/** Where the popup's documents were: the URLs it committed. */
function committed(popup) {
  const urls = [];
  popup.on('framenavigated', (frame) => {
    if (frame === popup.mainFrame()) urls.push(frame.url());
  });
  return urls;
}

test('a popup sign-in ends with its waiting result request alone, and the window never shows the answer', async () => {
  const sent = resultRequests(ctx.page, { waiting: true });
  const opened = ctx.page.waitForEvent('popup');
  await beginFlow(ctx.page, 'early', 'auth', options('demo-auto', { result: { fields: ['x'] } }));
  const popup = await opened;
  const urls = committed(popup);
  const got = await flowOutcome(ctx.page, 'early');
  assert.equal(got.error, null, JSON.stringify(got.error));
  assert.equal(got.calls, 1);
  assert.equal(got.result.status, 200);
  assert.equal(got.result.mode, 'popup');
  assert.equal(got.result.data.user.name, 'Ada Lovelace');
  // One request: the flow, no answer, waiting.
  assert.equal(sent.length, 1, JSON.stringify(sent));
  assert.deepEqual(Object.keys(sent[0]).sort(), ['flow', 'providerType', 'response', 'result', 'wait']);
  assert.deepEqual(sent[0].response, {});
  assert.deepEqual(sent[0].result, { fields: ['x'] });
  assert.equal(sent[0].wait, true);
  await popupClosed(popup);
  assert.ok(!urls.some((url) => /[?&]code=/.test(url)), urls.join(' '));
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('a popup cut off by the provider page\'s COOP ends with the early answer, and its window closes itself', async () => {
  const results = resultRequests(ctx.page);
  const opened = ctx.page.waitForEvent('popup');
  await beginFlow(ctx.page, 'coop', 'auth', options('demo-coop'));
  const popup = await opened;
  await popup.waitForSelector('#approve', { timeout: 15_000 });
  assert.equal(await popup.evaluate(() => window.opener), null);
  const closed = popupClosed(popup);
  await clickClosing(popup, '#approve');
  const got = await flowOutcome(ctx.page, 'coop');
  assert.equal(got.error, null, JSON.stringify(got.error));
  assert.equal(got.result.data.user.name, 'Ada Lovelace');
  assert.deepEqual(results, [], 'no answer sent: the server took it');
  // The app's page cannot close a severed popup: the page the server sent it on to, with no
  // answer and no opener, closed itself.
  await closed;
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('tryAuth ends with its waiting result request alone', async () => {
  const sent = resultRequests(ctx.page, { waiting: true });
  await beginFlow(ctx.page, 'silent', 'tryAuth', options('demo-auto'));
  const got = await flowOutcome(ctx.page, 'silent');
  assert.equal(got.error, null, JSON.stringify(got.error));
  assert.equal(got.result.mode, 'silent');
  assert.equal(got.result.data.user.name, 'Ada Lovelace');
  assert.deepEqual(sent.map((body) => body.wait), [true]);
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('a "not here" (204) leaves the result page\'s way: the answer is sent as before', async () => {
  const waits = await withoutEarlyAnswer(ctx.page);
  const results = resultRequests(ctx.page);
  const opened = ctx.page.waitForEvent('popup');
  await beginFlow(ctx.page, 'elsewhere', 'auth', options('demo-auto'));
  const popup = await opened;
  const got = await flowOutcome(ctx.page, 'elsewhere');
  assert.equal(got.error, null, JSON.stringify(got.error));
  assert.equal(got.result.data.user.name, 'Ada Lovelace');
  assert.equal(waits.length, 1);
  assert.equal(results.length, 1);
  assert.equal(results[0].redirectUri, `${ctx.demo.baseUrl}/coauth/result_page`);
  assert.ok(results[0].response.code && results[0].response.state, JSON.stringify(results[0]));
  await popupClosed(popup);
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('an answer the server took but whose outcome was lost on the way is never sent again', async () => {
  // The waiting request reaches the server, which takes the answer and finishes the
  // sign-in; its answer never reaches the page (the connection drops).
  const waits = [];
  await ctx.page.route('**/coauth/result', async (route) => {
    const body = route.request().postDataJSON();
    if (body.wait !== true) return route.continue();
    const answer = route.fetch();
    waits.push(answer.then((got) => got.status()));
    await answer;
    return route.abort('connectionreset');
  });
  const results = resultRequests(ctx.page);
  const opened = ctx.page.waitForEvent('popup');
  await beginFlow(ctx.page, 'lost', 'auth', options('demo'));
  const popup = await opened;
  await popup.waitForSelector('#approve', { timeout: 15_000 });
  // The user approves once the waiting request is at the server.
  for (let i = 0; i < 100 && waits.length == 0; i++) await sleep(20);
  await sleep(SETTLE_MS);
  await popup.click('#approve');
  assert.equal(await waits[0], 200, 'the server finished the sign-in');
  await sleep(SETTLE_MS);
  // The window shows the result page without the answer: nothing to send.
  assert.ok(!/[?&]code=/.test(popup.url()), popup.url());
  assert.equal(await flowSettled(ctx.page, 'lost'), false);
  assert.deepEqual(results, []);
  // The user closes it: the sign-in ends as a closed window, the answer sent nowhere.
  await popup.close();
  const got = await flowOutcome(ctx.page, 'lost');
  assert.equal(got.error.code, 'WindowClosed');
  assert.deepEqual(results, []);
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('the waiting request is dropped 5 seconds after the window left, however long the sign-in waits, and its end is no outcome', async () => {
  // A popup at the provider's consent page, and a silent sign-in allowed a minute, whose
  // provider never answers in a frame.
  const flows = [
    ['popup', 'auth', options('demo')],
    ['silent', 'tryAuth', options('demo-noframe', { tryAuthTimeout: 60_000 })],
  ];
  for (const [name, method, opts] of flows) {
    await withClock(ctx.demo.baseUrl, async (page) => {
      const dropped = [];
      page.on('requestfailed', (req) => {
        if (new URL(req.url()).pathname === '/coauth/result' && req.postDataJSON().wait === true) dropped.push(req.url());
      });
      // Time in the page moves only when the test moves it.
      await page.clock.pauseAt(Date.now() + 1000);
      const sent = page.waitForRequest((req) => new URL(req.url()).pathname === '/coauth/result');
      await beginFlow(page, name, method, opts);
      await sent;
      // Still at the provider past the server's window: the request is held...
      await page.clock.fastForward(4500);
      await sleep(SETTLE_MS);
      assert.deepEqual(dropped, [], name);
      // ...and dropped by the client once past 5 s, which ends nothing.
      await page.clock.fastForward(1000);
      for (let i = 0; i < 50 && dropped.length == 0; i++) await sleep(20);
      assert.equal(dropped.length, 1, name);
      await sleep(SETTLE_MS);
      assert.equal(await flowSettled(page, name), false, name);
      await page.evaluate((n) => window.__coauthFlows[n].worker.closeWindow(), name);
      const got = await flowOutcome(page, name);
      assert.equal(got.error.code, 'WindowClosed', name);
    });
  }
});
