// Shared steps of the redirect-mode tests (redirect.test.mjs, redirect-fallback.test.mjs).
//
// The app page of these tests is APP_PATH on the demo's origin, served by a Playwright route
// (not by the demo): a page that loads only /coauth/coauth.js, under a strict CSP with
// Trusted Types, where nothing but the test calls `resume()`. The demo's own page may
// resume on load (its "Sign in without a popup" button), which would take the answer
// before the test could; a page of the test's own keeps each test in charge of its flow.
// coauth.js and every coauth resource still come from the demo server.

import assert from 'node:assert/strict';

/** The app page's path (any query and fragment are kept: they are part of the return). */
export const APP_PATH = '/redirect-app';

/** The app page's CSP: coauth.js must need nothing more (no inline code, Trusted Types on). */
const APP_CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; base-uri 'none'; " +
  "object-src 'none'; form-action 'self'; require-trusted-types-for 'script'";

/**
 * Serves the app page in every page of `context`: with `?sandbox` in its query, the page is
 * also under `sandbox allow-scripts allow-same-origin` (no allow-popups: the browser itself
 * makes window.open return null). Every page records its CSP violations in
 * `window.__cspViolations`. Returns the list of the app page's navigations (their URLs), in
 * order, for the tests to count.
 */
export async function serveApp(context) {
  const loads = [];
  await context.route(`**${APP_PATH}*`, (route) => {
    const request = route.request();
    const url = new URL(request.url());
    if (url.pathname !== APP_PATH) return route.fallback();
    if (request.isNavigationRequest()) loads.push(request.url());
    const sandbox = url.searchParams.has('sandbox') ? '; sandbox allow-scripts allow-same-origin' : '';
    return route.fulfill({
      status: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': APP_CSP + sandbox,
      },
      body: '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>redirect app</title></head>' +
        '<body><h1 id="app">The app</h1><script src="/coauth/coauth.js"></script></body></html>',
    });
  });
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  return loads;
}

/** Options of a redirect-mode sign-in against `base` (the demo's origin). */
export const redirectOptions = (base, extra = {}) => ({
  providerType: 'demo',
  authPageUrl: '/coauth/auth_page',
  resultPageUrl: `${base}/coauth/result_page`,
  redirect: true,
  ...extra,
});

/**
 * Calls `auth(options, cb)` in `page` without waiting for anything: in redirect mode the page
 * leaves. What the callback gets, if it is called before that, lands in `window.__started`
 * (`{ calls, error }`), for the tests that expect no navigation.
 */
export function beginAuth(page, options) {
  return page.evaluate((o) => {
    window.__started = { calls: 0, error: null, result: null };
    new window.coauth.Auth('/coauth').auth(o, (err, result) => {
      window.__started.calls += 1;
      window.__started.error = err ? { isError: err instanceof Error, code: err.code, status: err.status, message: err.message } : null;
      window.__started.result = result ? JSON.parse(JSON.stringify(result)) : null;
    });
  }, options);
}

/**
 * `auth(options)` (Promise form) in `page`, for flows that must fail before leaving the page:
 * resolves with the error it rejects with, as plain data.
 */
export function authError(page, options) {
  return page.evaluate(async (o) => {
    try {
      await new window.coauth.Auth('/coauth').auth(o);
      return null;
    } catch (err) {
      return { isError: err instanceof Error, code: err.code, status: err.status, message: err.message };
    }
  }, options);
}

/** Waits until `page` shows the mock provider's consent page; returns its URL. */
export async function atProvider(page) {
  await page.waitForSelector('#approve', { timeout: 15_000 });
  return page.url();
}

/**
 * Clicks `button` (#approve or #deny) on the provider's page and waits until the tab is back
 * on `appUrl` (the exact URL, fragment included) and loaded.
 */
export async function decideAndReturn(page, appUrl, button = '#approve') {
  await atProvider(page);
  await Promise.all([
    page.waitForURL((url) => url.href === appUrl, { timeout: 15_000 }),
    page.click(button),
  ]);
  await page.waitForLoadState('load');
}

/**
 * `new coauth.Auth('/coauth').resume()` in `page`, Promise form: `{ value }` (the result, as
 * JSON, or null) or `{ error }`.
 */
export function resume(page) {
  return page.evaluate(async () => {
    const promise = new window.coauth.Auth('/coauth').resume();
    const shape = { isPromise: promise instanceof Promise, closeWindow: typeof promise.closeWindow };
    try {
      const value = await promise;
      return { shape, value: value === null ? null : JSON.parse(JSON.stringify(value)), error: null };
    } catch (err) {
      return { shape, value: null, error: { isError: err instanceof Error, code: err.code, status: err.status, message: err.message } };
    }
  });
}

/** The coauth keys of the page's sessionStorage, with their values. */
export function pendingEntries(page) {
  return page.evaluate(() => Object.fromEntries(Object.keys(sessionStorage)
    .filter((key) => key.startsWith('coauth:'))
    .map((key) => [key, sessionStorage.getItem(key)])));
}

/** The tab's session history, from the browser: { currentIndex, entries: [url] }. */
export async function sessionHistory(context, page) {
  const cdp = await context.newCDPSession(page);
  try {
    const { currentIndex, entries } = await cdp.send('Page.getNavigationHistory');
    return { currentIndex, entries: entries.map((entry) => entry.url) };
  } finally {
    await cdp.detach();
  }
}

/**
 * Records, from now on, the URLs `page`'s main frame commits, and the requests it sends to the
 * coauth resources (`{ path, method, body }`, JSON bodies parsed).
 */
export function watch(page) {
  const seen = { navigations: [], requests: [] };
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) seen.navigations.push(frame.url());
  });
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith('/coauth/') || request.resourceType() === 'document' ||
        request.resourceType() === 'script') return;
    let body = request.postData();
    try {
      body = JSON.parse(body);
    } catch { /* not JSON */ }
    seen.requests.push({ path: url.pathname, method: request.method(), body });
  });
  return seen;
}

/** The provider's answer as the result page got it: the first result page URL committed. */
export function resultPageUrl(seen, base) {
  const url = seen.navigations.find((u) => u.startsWith(`${base}/coauth/result_page?`));
  assert.ok(url, `no result page with parameters among ${seen.navigations.join('\n')}`);
  return url;
}
