// customAuthResultRequest and the two ways to send its data to the result step:
// authResultHttpRequest (fetch, extra headers) and authResultFrameRequest (a form posted
// into a hidden iframe, answered by {base}/result_frame's page). Also: identity,
// options.auth and options.result travel where the wire protocol in README.md/ARCHITECTURE.md
// says.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  beginFlow, flowOutcome, popupClosed, probe, SETTLE_MS, sleep, useDemoPage,
} from './support.mjs';

const ctx = useDemoPage({ probe: true });

const customOptions = (extra = {}) => ({
  providerType: 'demo',
  authPageUrl: '/coauth/auth_page',
  resultPageUrl: `${ctx.demo.baseUrl}/coauth/result_page`,
  customAuthResultRequest: true,
  identity: { account: 'acct-7' },
  auth: { scope: ['email', 'profile'] },
  result: { fields: ['email', 'preferred_username'], locale: 'en' },
  ...extra,
});

/** Requests to the coauth resources, with what a test needs of them. */
function coauthRequests() {
  const seen = [];
  ctx.page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.pathname.startsWith('/coauth/') && req.method() === 'POST') {
      seen.push({ path: url.pathname, headers: req.headers(), body: req.postData() });
    }
  });
  return seen;
}

/** Runs a custom popup flow up to the callback; returns the popup, still open. */
async function customFlowAtResult(name) {
  const opened = ctx.page.waitForEvent('popup');
  await beginFlow(ctx.page, name, 'auth', customOptions());
  const popup = await opened;
  await popup.waitForSelector('#approve');
  // options.auth reached the provider through the server.
  assert.equal(await popup.textContent('#scope'), 'email profile');
  await popup.click('#approve');
  const got = await flowOutcome(ctx.page, name);
  assert.equal(got.calls, 1);
  return { popup, got };
}

test('the callback gets the data for the result step, and the popup stays open for closeWindow()', async () => {
  const requests = coauthRequests();
  const { popup, got } = await customFlowAtResult('custom');
  assert.equal(got.error, null, JSON.stringify(got.error));
  assert.equal(got.calls, 1);
  const data = got.result;
  assert.equal(data.providerType, 'demo');
  assert.deepEqual(data.identity, { account: 'acct-7' });
  assert.deepEqual(data.options, { result: { fields: ['email', 'preferred_username'], locale: 'en' } });
  assert.equal(typeof data.flow, 'string');
  // Where the provider's answer arrived, as the result page reported it.
  assert.equal(data.redirectUri, `${ctx.demo.baseUrl}/coauth/result_page`);
  assert.equal(typeof data.response.code, 'string');
  assert.equal(typeof data.response.state, 'string');
  assert.deepEqual(requests.map((r) => r.path), ['/coauth/auth_url'], 'the result resource was not called');
  assert.equal(popup.isClosed(), false);

  const closed = popupClosed(popup);
  await ctx.page.evaluate(() => window.__coauthFlows.custom.worker.closeWindow());
  await closed;
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('authResultHttpRequest: the standard result resource over fetch, with extra headers', async () => {
  const requests = coauthRequests();
  const { popup } = await customFlowAtResult('http');
  const response = await ctx.page.evaluate(async () => {
    const flow = window.__coauthFlows.http;
    const auth = new coauth.Auth('/coauth');
    const answer = await auth.authResultHttpRequest(flow.raw, { headers: { 'X-App-Csrf': 'token-1', 'content-type': 'text/plain' } });
    flow.worker.closeWindow();
    return answer;
  });
  await popupClosed(popup);
  assert.equal(response.transport, 'http');
  assert.equal(response.status, 200);
  assert.equal(response.headers['content-type'], 'application/json');
  assert.equal(response.data.user.name, 'Ada Lovelace');
  assert.deepEqual(response.data.identity, { account: 'acct-7' });
  // options.result came back: the requested provider fields.
  assert.deepEqual(response.data.fields, { email: 'ada@example.test', preferred_username: 'ada' });

  const sent = requests.find((r) => r.path === '/coauth/result');
  assert.equal(sent.headers['x-app-csrf'], 'token-1');
  assert.equal(sent.headers['content-type'], 'application/json', 'the caller cannot change the body type');
  const body = JSON.parse(sent.body);
  assert.deepEqual(Object.keys(body).sort(), ['flow', 'providerType', 'redirectUri', 'response', 'result']);
  assert.equal(body.redirectUri, `${ctx.demo.baseUrl}/coauth/result_page`);
  assert.deepEqual(body.result, { fields: ['email', 'preferred_username'], locale: 'en' });
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('authResultFrameRequest: a form into a hidden iframe, the answer by postMessage, the frame removed', async () => {
  const requests = coauthRequests();
  const { popup } = await customFlowAtResult('frame');
  const outcome = await ctx.page.evaluate(() => new Promise((resolve) => {
    const flow = window.__coauthFlows.frame;
    const auth = new coauth.Auth('/coauth');
    let calls = 0;
    let framesWhileRunning = 0;
    auth.authResultFrameRequest(flow.raw, { fields: { csrf: 'token-2' } }, (err, response) => {
      calls += 1;
      flow.worker.closeWindow();
      setTimeout(() => resolve({ err: err && err.code, response, calls, framesWhileRunning }), 300);
    });
    framesWhileRunning = document.querySelectorAll('iframe').length;
  }));
  await popupClosed(popup);
  assert.equal(outcome.err, null);
  assert.equal(outcome.calls, 1);
  assert.equal(outcome.framesWhileRunning, 1);
  assert.equal(outcome.response.transport, 'frame');
  assert.equal(outcome.response.status, 200);
  assert.equal(outcome.response.data.user.email, 'ada@example.test');
  assert.deepEqual(outcome.response.data.identity, { account: 'acct-7' });
  assert.deepEqual(outcome.response.data.fields, { email: 'ada@example.test', preferred_username: 'ada' });

  const sent = requests.find((r) => r.path === '/coauth/result_frame');
  assert.equal(sent.headers['content-type'], 'application/x-www-form-urlencoded');
  const form = new URLSearchParams(sent.body);
  assert.equal(form.get('csrf'), 'token-2');
  // 128 random bits: four 32-bit numbers.
  assert.match(form.get('id'), /^\d{1,10}(-\d{1,10}){3}$/);
  const request = JSON.parse(form.get('request'));
  assert.equal(request.providerType, 'demo');
  assert.equal(request.redirectUri, `${ctx.demo.baseUrl}/coauth/result_page`);
  assert.equal(requests.filter((r) => r.path === '/coauth/result').length, 0);
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('authResultFrameRequest errors carry code, status and the frame response', async () => {
  const { popup } = await customFlowAtResult('frame-error');
  const outcome = await ctx.page.evaluate(async () => {
    const flow = window.__coauthFlows['frame-error'];
    const auth = new coauth.Auth('/coauth');
    const tampered = { ...flow.raw, flow: flow.raw.flow.slice(0, -4) + 'AAAA' };
    try {
      await auth.authResultFrameRequest(tampered);
      return null;
    } catch (err) {
      return { isError: err instanceof Error, code: err.code, status: err.status, message: err.message, response: err.response };
    } finally {
      flow.worker.closeWindow();
    }
  });
  await popupClosed(popup);
  assert.equal(outcome.isError, true);
  assert.equal(outcome.code, 'InputError');
  assert.equal(outcome.status, 400);
  assert.equal(outcome.response.transport, 'frame');
  assert.equal(outcome.response.data.code, 'InputError');
  assert.equal(outcome.message, outcome.response.data.message);
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('a frame answer without a result (the body limit) fails instead of hanging', async () => {
  const outcome = await ctx.page.evaluate(async () => {
    const auth = new coauth.Auth('/coauth');
    try {
      await auth.authResultFrameRequest({ providerType: 'demo', flow: 'x', response: {} }, { fields: { big: 'x'.repeat(70 * 1024) } });
      return null;
    } catch (err) {
      return { code: err.code };
    }
  });
  assert.deepEqual(outcome, { code: 'ServerError' });
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});

test('silent custom flow: the data in the callback, the iframe kept until closeWindow()', async () => {
  await beginFlow(ctx.page, 'silent-custom', 'tryAuth', {
    providerType: 'demo-auto',
    resultPageUrl: `${ctx.demo.baseUrl}/coauth/result_page`,
    customAuthResultRequest: true,
  });
  const got = await flowOutcome(ctx.page, 'silent-custom');
  assert.equal(got.error, null, JSON.stringify(got.error));
  assert.equal(got.result.providerType, 'demo-auto');
  assert.equal(got.result.redirectUri, `${ctx.demo.baseUrl}/coauth/result_page`);
  assert.equal((await probe(ctx.page)).frames, ctx.baseline.frames + 1);
  const response = await ctx.page.evaluate(async () => {
    const flow = window.__coauthFlows['silent-custom'];
    const answer = await new coauth.Auth('/coauth').authResultHttpRequest(flow.raw);
    flow.worker.closeWindow();
    return answer;
  });
  assert.equal(response.data.user.name, 'Ada Lovelace');
  await sleep(SETTLE_MS);
  assert.deepEqual(await probe(ctx.page), ctx.baseline);
});
