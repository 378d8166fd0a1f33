// `fallback: 'redirect'` in real Chromium: when a popup cannot be used, auth() goes on in
// redirect mode instead of failing with PopupBlocked, and says so (`result.mode`). Popups
// that cannot open: Chromium's own popup blocker (launched with it on, a sign-in without
// user activation), a page under a CSP sandbox without allow-popups, a page whose
// window.open returns null or throws. Popups that would not work: an in-app browser's user
// agent, a web app started from the home screen. Without the option, each of these still
// ends in PopupBlocked (or opens the popup, where one can open). And `coauth.inAppBrowser`,
// the one place the in-app browsers are told apart, with a test per user agent.
//
// Chromium has no launch switch that blocks a popup opened with user activation:
// `--block-new-web-contents` (a headless-shell switch) does nothing in Debian's chromium
// 148 (new headless), window.open still opens. So the browser's blocking is shown with its
// popup blocker on and a sign-in started without user activation, and with a CSP sandbox.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { launchBrowser, SETTLE_MS, sleep, useDemoPage } from './support.mjs';
import {
  APP_PATH, atProvider, authError, beginAuth, decideAndReturn, pendingEntries, redirectOptions, resume,
  serveApp, watch,
} from './redirect-support.mjs';

// Chromium's popup blocker on (Playwright turns it off by default): page.evaluate carries
// user activation, so a popup opened from it still opens, as from a click.
const ctx = useDemoPage({
  home: false,
  launch: { ignoreDefaultArgs: ['--disable-popup-blocking'] },
  popups: true,
  async setup({ browser }) {
    await serveApp(browser.context);
  },
});

const base = () => ctx.demo.baseUrl;
/** Popup options (no `redirect`) with the fallback, unless `extra` says otherwise. */
const options = (extra) => redirectOptions(base(), { redirect: false, fallback: 'redirect', ...extra });

async function openApp(page = ctx.page, suffix = '') {
  const url = `${base()}${APP_PATH}${suffix}`;
  await page.goto(url);
  return url;
}

/** After a fallback: the auth_url request said redirect, and resume() delivers the user, once. */
async function resumedByRedirect(page, seen, popups) {
  const authUrl = seen.requests.filter((r) => r.path === '/coauth/auth_url');
  assert.deepEqual(authUrl.map((r) => r.body.mode), ['redirect']);
  const got = await resume(page);
  assert.equal(got.error, null, JSON.stringify(got.error));
  assert.equal(got.value.mode, 'redirect');
  assert.equal(got.value.data.user.name, 'Ada Lovelace');
  assert.equal((await resume(page)).value, null);
  assert.deepEqual(await pendingEntries(page), {});
  assert.equal(popups.length, 0, 'no popup opened');
}

/** Runs `expression` in `page` through CDP without user activation (page.evaluate has it). */
async function evaluateWithoutActivation(page, expression) {
  const cdp = await ctx.browser.context.newCDPSession(page);
  try {
    const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', {
      expression, userGesture: false, awaitPromise: true, returnByValue: true,
    });
    assert.equal(exceptionDetails, undefined, JSON.stringify(exceptionDetails));
    return result.value;
  } finally {
    await cdp.detach();
  }
}

const authCall = (opts) => `new Promise((resolve) => {
  window.__opened = null;
  const open = window.open;
  window.open = function () { const w = open.apply(this, arguments); window.__opened = w === null ? 'null' : 'window'; return w; };
  new coauth.Auth('/coauth').auth(${JSON.stringify(opts)}, (err, result) => resolve({ code: err ? err.code : null, mode: result ? result.mode : null }));
  // In redirect mode the page leaves: report that the call returned.
  setTimeout(() => resolve({ opened: window.__opened }), 0);
})`;

test('Chromium\'s popup blocker (no user activation): without the fallback, PopupBlocked; with it, the sign-in completes by redirect', async () => {
  // Before anything else in the page: page.evaluate (used by the other steps) would give it
  // user activation for a few seconds.
  const appUrl = await openApp();
  const seen = watch(ctx.page);
  const blocked = await evaluateWithoutActivation(ctx.page, authCall(options({ fallback: '' })));
  await sleep(SETTLE_MS);
  assert.deepEqual(blocked, { code: 'PopupBlocked', mode: null });
  assert.equal(ctx.page.url(), appUrl);
  assert.deepEqual(seen.requests, [], 'no request for the blocked sign-in');

  const started = await evaluateWithoutActivation(ctx.page, authCall(options()));
  // The browser, not the test, refused the window.
  assert.deepEqual(started, { opened: 'null' });
  await decideAndReturn(ctx.page, appUrl);
  await resumedByRedirect(ctx.page, seen, ctx.popups);
});

test('a page under a CSP sandbox without allow-popups (window.open is null): the fallback completes by redirect; without it, PopupBlocked', async () => {
  const appUrl = await openApp(ctx.page, '?sandbox');
  assert.equal(await ctx.page.evaluate(() => window.open('about:blank')), null, 'the sandbox blocks popups');
  const blocked = await authError(ctx.page, options({ fallback: '' }));
  assert.equal(blocked.code, 'PopupBlocked');
  const seen = watch(ctx.page);
  await beginAuth(ctx.page, options());
  await decideAndReturn(ctx.page, appUrl);
  await resumedByRedirect(ctx.page, seen, ctx.popups);
});

for (const [how, replacement] of [
  ['returns null', () => { window.open = () => null; }],
  ['throws', () => { window.open = () => { throw new Error('popups are not allowed here'); }; }],
]) {
  test(`window.open ${how}: with the fallback the sign-in completes by redirect; without it, PopupBlocked and no request`, async () => {
    const appUrl = await openApp();
    const seen = watch(ctx.page);
    await ctx.page.evaluate(replacement);
    const blocked = await authError(ctx.page, options({ fallback: '' }));
    await sleep(SETTLE_MS);
    assert.deepEqual({ code: blocked.code, isError: blocked.isError }, { code: 'PopupBlocked', isError: true });
    assert.deepEqual(seen.requests, []);
    assert.equal(ctx.page.url(), appUrl);

    await beginAuth(ctx.page, options());
    const provider = new URL(await atProvider(ctx.page));
    assert.equal(provider.searchParams.get('redirect_uri'), `${base()}/coauth/result_page`);
    // The page came back as it was loaded: the replaced window.open is gone with the old page.
    await decideAndReturn(ctx.page, appUrl);
    await resumedByRedirect(ctx.page, seen, ctx.popups);
  });
}

test('with the fallback, a popup that can open is still used, and the result says mode \'popup\'', async () => {
  await openApp();
  const seen = watch(ctx.page);
  const result = await ctx.page.evaluate((o) => new window.coauth.Auth('/coauth').auth(o)
    .then((r) => JSON.parse(JSON.stringify(r))), options({ providerType: 'demo-auto' }));
  assert.equal(result.mode, 'popup');
  assert.equal(result.data.user.name, 'Ada Lovelace');
  assert.equal(ctx.popups.length, 1);
  assert.deepEqual(seen.requests.filter((r) => r.path === '/coauth/auth_url').map((r) => r.body.mode), ['popup']);
  assert.deepEqual(await pendingEntries(ctx.page), {});
});

/** Makes the page report standalone display mode, as a web app started from a home screen. */
function standaloneDisplay() {
  const native = window.matchMedia;
  window.matchMedia = function (query) {
    return /display-mode:\s*standalone/.test(query) ? { matches: true, media: query } : native.call(window, query);
  };
}

test('a web app started from a phone\'s home screen (navigator.standalone, display-mode standalone): the fallback goes straight to redirect', async () => {
  const stubs = {
    'navigator.standalone': () => {
      Object.defineProperty(Navigator.prototype, 'standalone', { get: () => true, configurable: true });
    },
    'display-mode: standalone on Android': `(${standaloneDisplay})();
      Object.defineProperty(Navigator.prototype, 'userAgent', { get: () =>
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Mobile Safari/537.36',
        configurable: true });`,
  };
  for (const [label, stub] of Object.entries(stubs)) {
    const page = await ctx.browser.context.newPage();
    const popups = [];
    page.on('popup', (p) => popups.push(p));
    try {
      await page.addInitScript(stub);
      const appUrl = await openApp(page);
      const seen = watch(page);
      await beginAuth(page, options());
      await decideAndReturn(page, appUrl);
      await resumedByRedirect(page, seen, popups);
    } catch (e) {
      e.message = `${label}: ${e.message}`;
      throw e;
    } finally {
      await page.close();
    }
  }
});

test('an installed desktop web app (display-mode standalone, desktop browser) still uses the popup', async () => {
  const page = await ctx.browser.context.newPage();
  const popups = [];
  page.on('popup', (p) => popups.push(p));
  try {
    await page.addInitScript(standaloneDisplay);
    await openApp(page);
    const seen = watch(page);
    const result = await page.evaluate((o) => new window.coauth.Auth('/coauth').auth(o)
      .then((r) => JSON.parse(JSON.stringify(r))), options({ providerType: 'demo-auto' }));
    assert.equal(result.mode, 'popup');
    assert.equal(popups.length, 1);
    assert.deepEqual(seen.requests.filter((r) => r.path === '/coauth/auth_url').map((r) => r.body.mode), ['popup']);
  } finally {
    await page.close();
  }
});

// ---- In-app browsers -----------------------------------------------------------------------

/** Real user agents of in-app browsers (webviews whose popups open as pages, or not at all). */
const IN_APP = {
  'Facebook (iOS)': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/21E236 [FBAN/FBIOS;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.4;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5;FBRV/0]',
  'Facebook (Android)': 'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UQ1A.240205.004; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.119 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/453.0.0.38.106;]',
  'Messenger (iOS)': 'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/MessengerForiOS;FBAV/430.0.0.36.111;FBBV/531201592;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/16.6;FBSS/3;FBCR/;FBID/phone;FBLC/en_US;FBOP/5]',
  'Instagram (iOS)': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 321.0.2.16.106 (iPhone14,7; iOS 17_3_1; en_US; en; scale=3.00; 1170x2532; 571012349)',
  'Instagram (Android)': 'Mozilla/5.0 (Linux; Android 13; SM-S911B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/121.0.6167.178 Mobile Safari/537.36 Instagram 318.0.0.30.110 Android (33/13; 480dpi; 1080x2340; samsung; SM-S911B; dm1q; qcom; en_US; 568207219)',
  'LINE (iOS)': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/13.20.0',
  'LINE (Android)': 'Mozilla/5.0 (Linux; Android 12; SO-51B Build/61.1.C.1.153; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 Line/13.21.0/IAB',
  'WeChat (iOS)': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44(0x18002c2d) NetType/WIFI Language/zh_CN',
  'WeChat (Android)': 'Mozilla/5.0 (Linux; Android 13; V2197A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64',
  'TikTok (iOS, musical_ly)': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_33.3.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/en Region/US ByteFullLocale/en isDarkMode/0 WKWebView/1 RevealType/Dialog',
  'TikTok (Android, BytedanceWebview)': 'Mozilla/5.0 (Linux; Android 14; SM-A546B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.105 Mobile Safari/537.36 musical_ly_2023305030 JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/musical_ly app_version/33.5.3 ByteLocale/en ByteFullLocale/en Region/GB AppId/1233 Spark/1.5.0.4-bugfix AppVersion/33.5.3 BytedanceWebview/d8a21c6',
  'Telegram (Android)': 'Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/AP1A.240305.019.A1; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.119 Mobile Safari/537.36 Telegram-Android/10.9.1 (Google Pixel 7; Android 14; SDK 34; HIGH)',
  'Snapchat (iOS)': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Snapchat/13.0.0.36 (like Safari/8617.1.17.10.9, panda)',
};

/** Ordinary browsers, whose popups work: never taken for in-app ones. */
const ORDINARY = {
  'Chrome (desktop)': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Chrome (Windows)': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Chrome (Android)': 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36',
  'Chrome (iOS)': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1',
  'Safari (macOS)': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Safari (iOS)': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Firefox (desktop)': 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Firefox (Android)': 'Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0',
  'Firefox (iOS)': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15',
  'Edge (desktop)': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67',
  'Samsung Internet': 'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36',
  'Opera (desktop)': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/110.0.0.0',
};

// coauth.js as Node's require sees it (CommonJS, no window): the check is a pure function.
const { inAppBrowser } = createRequire(import.meta.url)('../../coauth-js/assets/coauth.js');

for (const [name, userAgent] of Object.entries(IN_APP)) {
  test(`inAppBrowser: ${name} is an in-app browser`, () => {
    assert.equal(inAppBrowser(userAgent), true, userAgent);
  });
}

for (const [name, userAgent] of Object.entries(ORDINARY)) {
  test(`inAppBrowser: ${name} is not`, () => {
    assert.equal(inAppBrowser(userAgent), false, userAgent);
  });
}

test('inAppBrowser: no user agent is not an in-app browser; the check is not an enumerable part of the API', () => {
  assert.equal(inAppBrowser(''), false);
  assert.equal(inAppBrowser(undefined), false);
  const api = createRequire(import.meta.url)('../../coauth-js/assets/coauth.js');
  assert.deepEqual(Object.keys(api), ['Auth']);
});

for (const name of ['Instagram (iOS)', 'Facebook (Android)']) {
  test(`an emulated in-app browser (${name}): the fallback goes straight to redirect, no popup; without it the popup opens as before`, async () => {
    const browser = await launchBrowser({ userAgent: IN_APP[name] });
    try {
      await serveApp(browser.context);
      const page = await browser.context.newPage();
      const popups = [];
      page.on('popup', (p) => popups.push(p));
      const appUrl = `${base()}${APP_PATH}`;
      await page.goto(appUrl);
      assert.equal(await page.evaluate(() => navigator.userAgent), IN_APP[name]);
      const seen = watch(page);
      await beginAuth(page, options());
      await atProvider(page);
      await decideAndReturn(page, appUrl);
      await resumedByRedirect(page, seen, popups);

      // Without the option: a popup, as before (so window.open works in this browser, and
      // the fallback above chose not to use it).
      await page.evaluate(() => {
        window.__popup = new window.coauth.Auth('/coauth').auth({
          providerType: 'demo-auto', authPageUrl: '/coauth/auth_page',
          resultPageUrl: `${location.origin}/coauth/result_page`,
        }).then((r) => r.mode, (e) => e.code);
      });
      assert.equal(await page.evaluate(() => window.__popup), 'popup');
      assert.equal(popups.length, 1);
    } finally {
      await browser.close();
    }
  });
}
