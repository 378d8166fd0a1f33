// coauth.js with Chromium's popup blocker on (Playwright turns it off by default).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, popupClosed, SETTLE_MS, sleep, startDemo } from './support.mjs';

let demo;
let browser;

before(async () => {
  demo = await startDemo();
  browser = await launchBrowser({ ignoreDefaultArgs: ['--disable-popup-blocking'] });
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

test('a click opens the popup even with the blocker on', async () => {
  const page = await browser.context.newPage();
  try {
    await page.goto(`${demo.baseUrl}/`);
    // Keep the flow on the stub page; only the opening matters here.
    await page.route('**/coauth/auth_url', () => {});
    const popupOpened = page.waitForEvent('popup');
    await page.click('#signin-demo');
    const popup = await popupOpened;
    await popup.close();
    await page.waitForFunction(() => window.__coauthCallbacks === 1);
    assert.equal(await page.evaluate(() => window.__coauthLastError.code), 'WindowClosed');
  } finally {
    await page.close();
  }
});

test('without a user gesture: PopupBlocked, and no request is sent', async () => {
  const page = await browser.context.newPage();
  try {
    await page.goto(`${demo.baseUrl}/`);
    const requests = [];
    page.on('request', (req) => {
      if (new URL(req.url()).pathname.startsWith('/coauth/')) requests.push(req.url());
    });
    const popups = [];
    page.on('popup', (p) => popups.push(p));
    // page.evaluate always carries a user gesture; a CDP evaluation without one does not.
    const cdp = await browser.context.newCDPSession(page);
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
    assert.equal(popups.length, 0);
    await Promise.all(popups.map((p) => popupClosed(p)));
  } finally {
    await page.close();
  }
});

test('window.open after an await in the click handler: PopupBlocked, no request, one callback', async () => {
  const page = await browser.context.newPage();
  try {
    await page.goto(`${demo.baseUrl}/`);
    const requests = [];
    page.on('request', (req) => {
      if (new URL(req.url()).pathname.startsWith('/coauth/')) requests.push(req.url());
    });
    const popups = [];
    page.on('popup', (p) => popups.push(p));
    // The mistake of auth0 #726 / MSAL #2001: something is awaited before sign-in starts,
    // and the click's user activation (5 s in Chromium) has expired by then.
    await page.evaluate(() => {
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
    await page.click('#late');
    await page.waitForFunction(() => window.__late.calls > 0, null, { timeout: 15_000 });
    await sleep(SETTLE_MS);
    assert.deepEqual(await page.evaluate(() => window.__late), { calls: 1, code: 'PopupBlocked' });
    assert.deepEqual(requests, []);
    assert.equal(popups.length, 0);
  } finally {
    await page.close();
  }
});
