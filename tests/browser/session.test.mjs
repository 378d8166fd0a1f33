// coauth's sessions in real Chromium, on the demo (which turns them on): a popup sign-in
// signs the user in to the app, a reload still shows them signed in (the page asks
// `auth.session()`, since the cookie is HttpOnly), and "Sign out" (`auth.signOut()`) ends it
// for good. On the axum, warp and rocket demos. A page of another origin cannot sign the user
// out: the browser refuses its JSON POST (no CORS), and the server refuses what a page can
// send without one (not JSON) and a JSON POST with the foreign Origin.
// Run: cargo build -p coauth-tests --example demo --example demo_warp --example demo_rocket
//   && (cd tests/browser && node --test session.test.mjs)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { approveInPopup, startDemo, useDemoPage } from './support.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const examples = path.join(process.env.CARGO_TARGET_DIR || path.join(repoRoot, 'target'), 'debug', 'examples');

const ctx = useDemoPage({
  // Cookies are per host, not per port: every demo of this file shares 127.0.0.1's. Each
  // test starts signed out.
  async beforePage({ browser }) {
    await browser.context.clearCookies();
  },
});

/** The session cookie's name on plain-http loopback (`__Host-coauth-session` on https). */
const COOKIE = 'coauth-session';

/** Waits until the demo page's session line reads `expected` (a string or a RegExp). */
async function sessionLine(page, expected) {
  const pattern = typeof expected === 'string' ? `^${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$` : expected.source;
  try {
    await page.waitForFunction(
      (source) => new RegExp(source).test(document.getElementById('session-status').textContent),
      pattern,
      { timeout: 15_000 },
    );
  } catch (e) {
    const shown = await page.textContent('#session-status');
    throw new Error(`the session line reads ${JSON.stringify(shown)}, not ${expected}`);
  }
  return {
    text: await page.textContent('#session-status'),
    signOutVisible: await page.isVisible('#sign-out'),
  };
}

/** What `auth.session()` resolves with in `page`. */
const askSession = (page) => page.evaluate(() => new window.coauth.Auth('/coauth').session());

/** The session cookie of `origin` in the browser's cookie jar, or undefined. */
async function sessionCookie(origin) {
  return (await ctx.browser.context.cookies(origin)).find((c) => c.name === COOKIE);
}

/** Signs in with the demo provider through the popup, approving at the mock. */
async function signIn(page) {
  await approveInPopup(page, '#signin-demo');
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Signed in', null, { timeout: 15_000 });
}

const DEMOS = [
  { adapter: 'axum', bin: null },
  { adapter: 'warp', bin: path.join(examples, 'demo_warp') },
  { adapter: 'rocket', bin: path.join(examples, 'demo_rocket') },
];

for (const { adapter, bin } of DEMOS) {
  test(`${adapter}: sign in, reload (still signed in, from /session), sign out, reload (signed out)`, async () => {
    const demo = bin ? await startDemo(bin) : ctx.demo;
    const page = bin ? await ctx.browser.context.newPage() : ctx.page;
    try {
      const origin = demo.baseUrl;
      await page.goto(`${origin}/`);
      assert.deepEqual(await sessionLine(page, 'Signed out'), { text: 'Signed out', signOutVisible: false });
      assert.equal(await askSession(page), null);

      const sessionReads = [];
      page.on('request', (r) => {
        if (new URL(r.url()).pathname === '/coauth/session') sessionReads.push(r.method());
      });
      await signIn(page);
      assert.deepEqual(await sessionLine(page, 'Signed in as Ada Lovelace (demo)'),
        { text: 'Signed in as Ada Lovelace (demo)', signOutVisible: true }, demo.output());
      // The line comes from the server's session, asked after the sign-in.
      assert.deepEqual(sessionReads, ['GET']);

      // The cookie: in the browser's jar for this host, HttpOnly (the page cannot read it),
      // SameSite=Lax, Path=/; not Secure on plain-http loopback.
      const cookie = await sessionCookie(origin);
      assert.ok(cookie, 'a session cookie was set');
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Lax');
      assert.equal(cookie.path, '/');
      assert.equal(cookie.secure, false);
      assert.doesNotMatch(await page.evaluate(() => document.cookie), /coauth-session/);

      // A reload: no sign-in runs, and the page shows the session the server reads.
      await page.reload();
      assert.deepEqual(await sessionLine(page, 'Signed in as Ada Lovelace (demo)'),
        { text: 'Signed in as Ada Lovelace (demo)', signOutVisible: true });
      assert.equal(await page.evaluate(() => window.__coauthCallbacks), 0);
      const session = await askSession(page);
      const now = Date.now() / 1000;
      assert.equal(session.providerType, 'demo');
      assert.equal(session.user.name, 'Ada Lovelace');
      assert.equal(session.user.email, 'ada@example.test');
      assert.equal(typeof session.user.id, 'string');
      assert.equal(session.claims, null);
      assert.ok(session.signedInAt <= now + 1 && session.signedInAt > now - 120, JSON.stringify(session));
      assert.ok(session.expiresAt > now, JSON.stringify(session));

      // Sign out: the line changes, the button goes, and the cookie is gone from the jar.
      await page.click('#sign-out');
      assert.deepEqual(await sessionLine(page, 'Signed out'), { text: 'Signed out', signOutVisible: false });
      assert.equal(await sessionCookie(origin), undefined);
      assert.equal(await page.textContent('#status'), 'Not signed in');

      await page.reload();
      assert.deepEqual(await sessionLine(page, 'Signed out'), { text: 'Signed out', signOutVisible: false });
      assert.equal(await askSession(page), null);
    } finally {
      if (bin) {
        await page.close();
        await demo.stop();
      }
    }
  });
}

test('a page of another origin cannot sign the user out', async () => {
  const origin = ctx.demo.baseUrl;
  const signOutUrl = `${origin}/coauth/sign_out`;
  await signIn(ctx.page);
  await sessionLine(ctx.page, 'Signed in as Ada Lovelace (demo)');

  // Another origin on the same host (another port): the same site, so the browser sends
  // the SameSite=Lax session cookie with its requests to the demo. Not one the demo
  // allows (127.0.0.1 and localhost on the demo's own port).
  const foreign = 'http://127.0.0.1:9';
  const foreignPage = `${foreign}/foreign-page`;
  await ctx.browser.context.route(foreignPage, (route) => route.fulfill({
    status: 200, contentType: 'text/html', body: '<!doctype html><title>another app</title><p>another app</p>',
  }));
  const other = await ctx.browser.context.newPage();
  try {
    await other.goto(foreignPage);

    // The JSON POST coauth.js sends needs a CORS preflight, which the demo does not grant:
    // the browser never sends it.
    const viaJson = await other.evaluate((url) => fetch(url, {
      method: 'POST', credentials: 'include', headers: { 'Content-Type': 'application/json' }, body: '{}',
    }).then((r) => `answered ${r.status}`, (e) => e.name), signOutUrl);
    assert.equal(viaJson, 'TypeError');

    // What a page can send without a preflight, a form POST (here text/plain, whose body
    // can look like JSON), reaches the server with the cookie, and is refused: sign-out
    // takes JSON only.
    const answered = other.waitForResponse(signOutUrl);
    await other.evaluate((url) => {
      const form = document.createElement('form');
      form.method = 'post';
      form.action = url;
      form.enctype = 'text/plain';
      const field = document.createElement('input');
      field.type = 'hidden';
      field.name = '{"x":"';
      field.value = '"}';
      form.append(field);
      document.body.append(form);
      form.submit();
    }, signOutUrl);
    const response = await answered;
    const sent = await response.request().allHeaders();
    assert.match(sent.cookie || '', /\bcoauth-session=/);
    assert.equal(sent.origin, foreign);
    assert.equal(response.status(), 415);
    assert.equal((await response.json()).code, 'ValidationError');
  } finally {
    await other.close();
    await ctx.browser.context.unroute(foreignPage);
  }

  // A JSON POST with the foreign Origin and the browser's cookies (what a preflight would
  // let through if one were granted): the server refuses the origin.
  const refused = await ctx.browser.context.request.post(signOutUrl, {
    headers: { 'Content-Type': 'application/json', Origin: foreign },
    data: '{}',
  });
  assert.equal(refused.status(), 400);
  assert.deepEqual(await refused.json(), { code: 'InputError', message: "the request's origin is not allowed" });

  // Still signed in, on the demo's page and in the jar.
  assert.ok(await sessionCookie(origin), 'the session cookie is still there');
  await ctx.page.reload();
  assert.equal((await sessionLine(ctx.page, /^Signed (in as|out)/)).text, 'Signed in as Ada Lovelace (demo)');

  // The same request from the demo's own origin signs out: what was refused above was the
  // origin, nothing else.
  const accepted = await ctx.browser.context.request.post(signOutUrl, {
    headers: { 'Content-Type': 'application/json', Origin: origin },
    data: '{}',
  });
  assert.equal(accepted.status(), 204);
  assert.equal(await sessionCookie(origin), undefined);
  assert.equal(await askSession(ctx.page), null);
});
