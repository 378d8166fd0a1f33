// coauth.js's own checks in real Chromium, with the coauth server's answers stubbed by
// Playwright routes: what it sends, which messages it accepts, how it reports failures,
// repeated redirect parameters, options parsed from JSON, and which provider URLs it opens.
// The demo server only provides the origin and the pages.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  authIn, beginFlow, flowOutcome, popupClosed, SETTLE_MS, sleep, useDemoPage, withoutEarlyAnswer,
} from './support.mjs';

const ctx = useDemoPage();

const options = (extra = {}) => ({
  providerType: 'demo',
  authPageUrl: '/coauth/auth_page',
  resultPageUrl: `${ctx.demo.baseUrl}/coauth/result_page`,
  ...extra,
});

/**
 * Answers `pattern` with JSON and records the parsed request bodies. A waiting result
 * request (the early answer) is answered 204, "not here", as an instance that never sees
 * the provider's redirect answers it, and kept apart in `seen.waits`.
 */
async function stub(pattern, status, body) {
  const seen = [];
  Object.defineProperty(seen, 'waits', { value: [] });
  await ctx.page.route(pattern, (route) => {
    const req = route.request();
    const sent = req.postDataJSON();
    if (sent && sent.wait === true) {
      seen.waits.push(sent);
      return route.fulfill({ status: 204 });
    }
    seen.push({ body: sent, contentType: req.headers()['content-type'] });
    return route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
  });
  return seen;
}

/** Stubs auth_url so the popup is sent to a same-origin page carrying `state`. */
function stubAuthUrl(state = 'S1') {
  const url = `${ctx.demo.baseUrl}/coauth/auth_page?state=${state}`;
  return stub('**/coauth/auth_url', 200, { url, flow: 'sealed-flow' });
}

/** Posts a message to the opener from inside the popup. */
function postFromPopup(popup, message, targetOrigin) {
  return popup.evaluate(([m, o]) => window.opener.postMessage(m, o || location.origin), [message, targetOrigin]);
}

test('sends the documented requests and accepts only its popup\'s message with the flow\'s state', async () => {
  const authUrlCalls = await stubAuthUrl('S1');
  const user = { id: '1', name: 'Route User', email: 'route@example.test' };
  const resultCalls = await stub('**/coauth/result', 200, { providerType: 'demo', identity: null, user });

  const popupOpened = ctx.page.waitForEvent('popup');
  const pending = authIn(ctx.page, options({ auth: { scope: ['email'], prompt: 'login' }, result: { fields: ['x'] } }));
  const popup = await popupOpened;
  await popup.waitForURL(/state=S1/);

  assert.deepEqual(authUrlCalls, [{
    contentType: 'application/json',
    body: {
      providerType: 'demo',
      redirectUri: `${ctx.demo.baseUrl}/coauth/result_page`,
      identity: null,
      mode: 'popup',
      auth: { scope: ['email'], prompt: 'login' },
    },
  }]);

  // Wrong state, wrong type, missing params, and the right message from another window.
  await postFromPopup(popup, { type: 'coauth:result', params: { code: 'c', state: 'OTHER' } });
  await postFromPopup(popup, { type: 'coauth:other', params: { code: 'c', state: 'S1' } });
  await postFromPopup(popup, { type: 'coauth:result' });
  await ctx.page.evaluate(() => window.postMessage({ type: 'coauth:result', params: { code: 'c', state: 'S1' } }, location.origin));
  await sleep(SETTLE_MS);
  assert.equal(resultCalls.length, 0);

  const redirectUri = `${ctx.demo.baseUrl}/coauth/result_page`;
  await postFromPopup(popup, { type: 'coauth:result', params: { code: 'good', state: 'S1' }, redirectUri });
  const got = await pending;
  await popupClosed(popup);

  assert.equal(got.error, null);
  assert.equal(got.synchronous, false);
  assert.equal(got.argCount, 2);
  assert.equal(got.optionsUntouched, true);
  assert.equal(got.result.status, 200);
  assert.equal(got.result.transport, 'http');
  assert.equal(got.result.headers['content-type'], 'application/json');
  assert.deepEqual(got.result.data.user, user);
  assert.deepEqual(resultCalls, [{
    contentType: 'application/json',
    body: {
      providerType: 'demo',
      flow: 'sealed-flow',
      redirectUri,
      response: { code: 'good', state: 'S1' },
      result: { fields: ['x'] },
    },
  }]);
});

test('a message from the wrong origin is ignored', async () => {
  await stubAuthUrl('S2');
  const resultCalls = await stub('**/coauth/result', 200, {});
  // The result page is declared on localhost, but the popup (and so the sender) sits on
  // 127.0.0.1: a different origin.
  const port = new URL(ctx.demo.baseUrl).port;
  const popupOpened = ctx.page.waitForEvent('popup');
  const pending = authIn(ctx.page, options({ resultPageUrl: `http://localhost:${port}/coauth/result_page` }));
  const popup = await popupOpened;
  await popup.waitForURL(/state=S2/);
  await postFromPopup(popup, { type: 'coauth:result', params: { code: 'c', state: 'S2' } });
  await sleep(SETTLE_MS);
  assert.equal(resultCalls.length, 0);

  await popup.close();
  const got = await pending;
  assert.equal(got.error.code, 'WindowClosed');
});

test('the result page posts the query and fragment parameters, and where it was loaded, to the opener', async () => {
  await stubAuthUrl('S3');
  const resultCalls = await stub('**/coauth/result', 200, { user: {} });
  const popupOpened = ctx.page.waitForEvent('popup');
  const pending = authIn(ctx.page, options());
  const popup = await popupOpened;
  await popup.waitForURL(/state=S3/);
  // What a provider redirect would do: land on the real result page.
  await popup.goto(`${ctx.demo.baseUrl}/coauth/result_page?state=S3&iss=https%3A%2F%2Fidp#code=f`);
  const got = await pending;

  assert.equal(got.error, null);
  assert.deepEqual(resultCalls[0].body.response, { code: 'f', state: 'S3', iss: 'https://idp' });
  // origin + pathname, as loaded (before the page cleared its address).
  assert.equal(resultCalls[0].body.redirectUri, `${ctx.demo.baseUrl}/coauth/result_page`);
});

test('a repeated redirect parameter (query, fragment, both, form_post) is refused with InputError, never sent', async () => {
  await stubAuthUrl('S5');
  const resultCalls = await stub('**/coauth/result', 200, { user: {} });
  const page = `${ctx.demo.baseUrl}/coauth/result_page`;
  // The result page reads the query and the fragment: it hands on no value of a repeated
  // parameter, and the app's page answers InputError.
  const redirects = {
    query: `${page}?code=a&code=b&state=S5`,
    'repeated state': `${page}?code=a&state=S5&state=S5`,
    fragment: `${page}#code=a&state=S5&code=b`,
    'query and fragment': `${page}?code=a&state=S5#code=b`,
  };
  for (const [name, url] of Object.entries(redirects)) {
    const popupOpened = ctx.page.waitForEvent('popup');
    const pending = authIn(ctx.page, options());
    const popup = await popupOpened;
    await popup.waitForURL(/state=S5/);
    await popup.goto(url);
    const got = await pending;
    assert.deepEqual(
      got.error && { code: got.error.code, status: got.error.status, isError: got.error.isError },
      { code: 'InputError', status: 400, isError: true },
      name,
    );
    assert.equal(got.result, null, name);
    await popupClosed(popup);
  }

  // A form_post that repeats a field: the server refuses the result page itself (400
  // InputError), so nothing is handed on; the flow ends when the user closes the popup.
  const popupOpened = ctx.page.waitForEvent('popup');
  const pending = authIn(ctx.page, options());
  const popup = await popupOpened;
  await popup.waitForURL(/state=S5/);
  await popup.route('**/coauth/result_page?from=post', (route) => route.continue({
    method: 'POST',
    headers: { ...route.request().headers(), 'content-type': 'application/x-www-form-urlencoded' },
    postData: 'code=a&state=S5&code=b',
  }));
  const answer = await popup.goto(`${page}?from=post`);
  assert.equal(answer.status(), 400);
  assert.equal((await answer.json()).code, 'InputError');
  await sleep(SETTLE_MS);
  await popup.close();
  const got = await pending;
  assert.equal(got.error.code, 'WindowClosed');
  assert.deepEqual(resultCalls, [], 'no value of a repeated parameter reached the result resource');
});

test('options parsed from JSON cannot reach a prototype: __proto__, constructor, prototype ignored at every level', async () => {
  const authUrlCalls = await stub('**/coauth/auth_url', 400, { code: 'InputError', message: 'stubbed' });
  const redirectUri = `${ctx.demo.baseUrl}/coauth/result_page`;
  // As an app might get them from a config endpoint: JSON.parse makes `__proto__` an own key.
  const text = `{
    "providerType": "demo", "authPageUrl": "/coauth/auth_page", "resultPageUrl": "${redirectUri}",
    "__proto__": { "identity": { "x": 1 }, "signal": { "aborted": false } },
    "constructor": { "identity": { "x": 1 } },
    "prototype": { "identity": { "x": 1 } },
    "auth": { "scope": ["email"], "__proto__": { "scope": ["admin"] }, "constructor": { "x": 1 }, "prototype": { "x": 1 } },
    "window": { "__proto__": { "closeGrace": 1 } },
    "result": { "constructor": { "x": 1 } }
  }`;
  const popupOpened = ctx.page.waitForEvent('popup');
  const got = await ctx.page.evaluate((json) => new Promise((resolve) => {
    new window.coauth.Auth('/coauth').auth(JSON.parse(json), (err) => resolve(err && { code: err.code, message: err.message }));
  }), text);
  await popupClosed(await popupOpened);
  // The options were valid (no inherited `signal`): the request went out, and the stubbed
  // server's refusal came back.
  assert.deepEqual(got, { code: 'InputError', message: 'stubbed' });
  assert.deepEqual(authUrlCalls.map((c) => c.body), [{
    providerType: 'demo',
    redirectUri,
    identity: null,
    mode: 'popup',
    auth: { scope: ['email'] },
  }]);
});

test('a server error carries code, status, message and response', async () => {
  await stub('**/coauth/auth_url', 400, { code: 'InputError', message: 'unknown provider' });
  const got = await authIn(ctx.page, options());
  assert.equal(got.error.isError, true);
  assert.equal(got.error.code, 'InputError');
  assert.equal(got.error.status, 400);
  assert.equal(got.error.message, 'unknown provider');
  assert.equal(got.error.response.status, 400);
  assert.equal(got.error.response.transport, 'http');
  assert.deepEqual(got.error.response.data, { code: 'InputError', message: 'unknown provider' });
});

test('a non-JSON error answer keeps its status', async () => {
  await ctx.page.route('**/coauth/auth_url', (route) => route.fulfill({ status: 502, contentType: 'text/html', body: '<h1>Bad gateway</h1>' }));
  const got = await authIn(ctx.page, options());
  assert.equal(got.error.code, 'ServerError');
  assert.equal(got.error.status, 502);
  assert.equal(got.error.response.data, null);
});

test('an unreachable server is a NetworkError, and the popup is closed', async () => {
  await ctx.page.route('**/coauth/auth_url', (route) => route.abort('connectionrefused'));
  const popupOpened = ctx.page.waitForEvent('popup');
  const got = await authIn(ctx.page, options());
  await popupClosed(await popupOpened);
  assert.equal(got.error.code, 'NetworkError');
  assert.equal(got.error.status, undefined);
});

test('a non-http provider URL is refused, never navigated to', async () => {
  await stub('**/coauth/auth_url', 200, { url: 'javascript:alert(1)', flow: 'f' });
  const popupOpened = ctx.page.waitForEvent('popup');
  const got = await authIn(ctx.page, options());
  await popupClosed(await popupOpened);
  assert.equal(got.error.code, 'ServerError');
});

test('a provider URL must be https, or http on a loopback host', async () => {
  // Provider pages the popup may be sent to, answered here whatever their host.
  const navigations = [];
  const fakeIdp = (url) => url.pathname === '/fake-idp';
  await ctx.browser.context.route(fakeIdp, (route) => {
    navigations.push(route.request().url());
    return route.fulfill({ status: 200, contentType: 'text/html', body: '<p>provider</p>' });
  });
  let answer;
  await ctx.page.route('**/coauth/auth_url', (route) => route.fulfill({
    status: 200, contentType: 'application/json', body: JSON.stringify(answer),
  }));
  // The flows are made up: the server would refuse their waiting requests.
  await withoutEarlyAnswer(ctx.page);

  for (const url of [
    'http://idp.example/fake-idp?state=S6',
    'http://10.0.0.1/fake-idp?state=S6',
    'http://127.0.0.1.idp.example/fake-idp?state=S6',
    'http://localhost.idp.example/fake-idp?state=S6',
    'ftp://127.0.0.1/fake-idp?state=S6',
  ]) {
    answer = { url, flow: 'f' };
    const popupOpened = ctx.page.waitForEvent('popup');
    await beginFlow(ctx.page, url, 'auth', options());
    const got = await flowOutcome(ctx.page, url, 5000);
    await popupClosed(await popupOpened);
    assert.equal(got.error.code, 'ServerError', url);
    assert.equal(got.error.status, 200, url);
    assert.match(got.error.message, /https/, url);
  }
  assert.deepEqual(navigations, [], 'never navigated to');

  const accepted = [
    'https://idp.example/fake-idp?state=S6',
    'http://localhost:9/fake-idp?state=S6',
    'http://127.0.0.1:9/fake-idp?state=S6',
    'http://127.1.2.3:9/fake-idp?state=S6',
    'http://[::1]:9/fake-idp?state=S6',
  ];
  for (const url of accepted) {
    answer = { url, flow: 'f' };
    const popupOpened = ctx.page.waitForEvent('popup');
    await beginFlow(ctx.page, url, 'auth', options());
    const popup = await popupOpened;
    await popup.waitForURL(url);
    // The app gives up: closeWindow() ends a flow still waiting at the provider.
    await ctx.page.evaluate((name) => window.__coauthFlows[name].worker.closeWindow(), url);
    const got = await flowOutcome(ctx.page, url);
    assert.equal(got.error.code, 'WindowClosed', url);
    await popupClosed(popup);
  }
  assert.deepEqual(navigations, accepted);
  await ctx.browser.context.unroute(fakeIdp);
});

test('a user-supplied window.features string is used verbatim, closeCheckInterval honoured', async () => {
  await ctx.page.route('**/coauth/auth_url', () => { /* never answered: the popup stays on the stub */ });
  const popupOpened = ctx.page.waitForEvent('popup');
  const pending = authIn(ctx.page, options({ window: { features: 'popup,width=320,height=240', closeCheckInterval: 50 } }));
  const popup = await popupOpened;
  await popup.waitForLoadState();
  const size = await popup.evaluate(() => ({ w: window.innerWidth, h: window.innerHeight }));
  assert.equal(size.w, 320);
  assert.equal(size.h, 240);
  await popup.close();
  const got = await pending;
  assert.equal(got.error.code, 'WindowClosed');
});

test('the result page prefers the parameters the server embedded for a form_post', async () => {
  await stubAuthUrl('S4');
  const resultCalls = await stub('**/coauth/result', 200, { user: {} });
  // What the server makes of a form_post POST: the placeholder filled with escaped JSON.
  const template = await readFile(new URL('../../coauth-js/assets/result_page.html', import.meta.url), 'utf8');
  const posted = JSON.stringify({ code: 'posted', state: 'S4', user: '{"name":"A"}' }).replace(/</g, '\\u003c');
  const popupOpened = ctx.page.waitForEvent('popup');
  const pending = authIn(ctx.page, options());
  const popup = await popupOpened;
  await popup.waitForURL(/state=S4/);
  await popup.route('**/coauth/result_page?from=post', (route) => route.fulfill({
    status: 200,
    contentType: 'text/html',
    headers: { 'content-security-policy': "script-src 'self'; object-src 'none'; base-uri 'none'" },
    body: template.replace('<!--coauth-params-->', posted),
  }));
  await popup.goto(`${ctx.demo.baseUrl}/coauth/result_page?from=post`);
  const got = await pending;

  assert.equal(got.error, null);
  assert.deepEqual(resultCalls[0].body.response, { code: 'posted', state: 'S4', user: '{"name":"A"}' });
  assert.equal(resultCalls[0].body.redirectUri, `${ctx.demo.baseUrl}/coauth/result_page`);
});
