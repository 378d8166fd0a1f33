// The demo page's own redirect mode in real Chromium: its "Sign in without a popup" button
// (`#redirect-demo`, `redirect: true`) and its provider buttons' fallback
// (`fallback: 'redirect'`) when `window.open` returns null. The tab goes to the mock
// provider, the user approves, the tab comes back to the demo's home page, and the page's
// own `auth.resume()` on load shows the signed-in result (mode "redirect") and the session
// the sign-in started. redirect.test.mjs and redirect-fallback.test.mjs drive the client
// from a page of their own; this file drives the demo page as a user would.
// Run: cargo build -p coauth-tests --example demo && (cd tests/browser && node --test demo-redirect.test.mjs)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSettled, SETTLE_MS, sleep, useDemoPage } from './support.mjs';
import { decideAndReturn, pendingEntries } from './redirect-support.mjs';

const ctx = useDemoPage({
  popups: true,
  // The session cookie is per host: each test starts signed out.
  async beforePage({ browser }) {
    await browser.context.clearCookies();
  },
});

const home = () => `${ctx.demo.baseUrl}/`;

/** Waits until the demo's session line reads `expected`, then returns it. */
async function sessionLine(page, expected) {
  try {
    await page.waitForFunction(
      (want) => document.getElementById('session-status').textContent === want,
      expected,
      { timeout: 15_000 },
    );
  } catch (e) {
    throw new Error(`the session line reads ${JSON.stringify(await page.textContent('#session-status'))}, not ${JSON.stringify(expected)}`);
  }
  return page.textContent('#session-status');
}

/**
 * Waits until the demo page shows a final outcome of the sign-in that `resume()` finished,
 * then reads what it shows: the status, the result card, the step log, the session line.
 */
async function resumedOutcome(page) {
  await demoSettled(page);
  return page.evaluate(() => {
    const text = (id) => document.getElementById(id).textContent;
    return {
      status: text('status'),
      resultCardShown: !document.getElementById('result-card').hidden,
      errorCardShown: !document.getElementById('error-card').hidden,
      name: text('user-name'),
      email: text('user-email'),
      provider: text('user-provider'),
      mode: text('user-mode'),
      lastMode: window.__coauthLastMode,
      callbacks: window.__coauthCallbacks,
      lastError: window.__coauthLastError,
      steps: Array.from(document.querySelectorAll('#steps .what'), (li) => li.textContent),
      cspViolations: window.__cspViolations,
    };
  });
}

/** What a redirect-mode sign-in that came back to the demo must show. */
function assertSignedInByRedirect(shown) {
  assert.equal(shown.status, 'Signed in', JSON.stringify(shown.lastError));
  assert.equal(shown.resultCardShown, true);
  assert.equal(shown.errorCardShown, false);
  assert.equal(shown.name, 'Ada Lovelace');
  assert.equal(shown.email, 'ada@example.test');
  assert.match(shown.provider, /\(demo\)$/);
  assert.equal(shown.lastMode, 'redirect');
  assert.equal(shown.mode, 'Redirect (the page went to the provider and back)');
  // Delivered once, on the load that came back from the provider.
  assert.equal(shown.callbacks, 1);
  assert.deepEqual(shown.cspViolations, []);
  // The step log survived the page's trip to the provider and was finished by resume().
  assert.ok(shown.steps.includes('Back on this page: resume() looks for the answer'), shown.steps.join('\n'));
  assert.equal(shown.steps.at(-1), 'Signed in (redirect mode)', shown.steps.join('\n'));
}

/** After the sign-in: nothing left in the URL or sessionStorage; a reload delivers nothing again. */
async function assertNothingLeft(page) {
  assert.equal(page.url(), home(), 'no code or state left in the URL');
  assert.deepEqual(await pendingEntries(page), {});
  await page.reload();
  assert.equal(await sessionLine(page, 'Signed in as Ada Lovelace (demo)'), 'Signed in as Ada Lovelace (demo)');
  await sleep(SETTLE_MS);
  assert.deepEqual(await page.evaluate(() => ({
    callbacks: window.__coauthCallbacks,
    status: document.getElementById('status').textContent,
  })), { callbacks: 0, status: 'Not signed in' });
}

test('"Sign in without a popup": the demo goes to the provider, comes back signed in (mode redirect) with its session', async () => {
  const { page } = ctx;
  assert.equal(await sessionLine(page, 'Signed out'), 'Signed out');
  assert.equal(await page.textContent('#redirect-demo'), 'Sign in without a popup (Demo provider)');

  await page.click('#redirect-demo');
  await decideAndReturn(page, home());

  const shown = await resumedOutcome(page);
  assertSignedInByRedirect(shown);
  assert.ok(shown.steps.includes('Redirect mode: this page goes to the provider and comes back'), shown.steps.join('\n'));
  assert.equal(await sessionLine(page, 'Signed in as Ada Lovelace (demo)'), 'Signed in as Ada Lovelace (demo)');
  assert.equal(await page.isVisible('#sign-out'), true);
  assert.equal(ctx.popups.length, 0, 'no popup opened');

  await assertNothingLeft(page);
});

test('a provider button where window.open returns null falls back to redirect mode and still signs in', async () => {
  const { page } = ctx;
  // In this page and every page it loads (the provider's, and the demo's again on return).
  await page.addInitScript(() => {
    window.open = () => null;
  });
  await page.reload();
  assert.equal(await page.evaluate(() => window.open('about:blank')), null);
  assert.equal(await sessionLine(page, 'Signed out'), 'Signed out');

  await page.click('#signin-demo');
  await decideAndReturn(page, home());

  const shown = await resumedOutcome(page);
  assertSignedInByRedirect(shown);
  assert.ok(
    shown.steps.includes('No popup here (blocked, or an in-app browser): falling back to redirect mode'),
    shown.steps.join('\n'),
  );
  assert.equal(await sessionLine(page, 'Signed in as Ada Lovelace (demo)'), 'Signed in as Ada Lovelace (demo)');
  assert.equal(ctx.popups.length, 0, 'no popup opened');

  await assertNothingLeft(page);
});
