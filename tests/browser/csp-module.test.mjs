// coauth.js on pages with a strict Content-Security-Policy, as a classic script (global
// `coauth`) and as an ES module (coauth.mjs): popup, silent and frame-transport sign-ins
// with zero `securitypolicyviolation` events in any document, popups and frames included.
// The app pages are served on the demo's origin by Playwright routes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHROMIUM_ARGS, popupClosed, probe, SETTLE_MS, sleep, useDemoPage } from './support.mjs';

/** The strict CSP coauth.js promises to run under, exactly. */
const STRICT_CSP = "script-src 'self'; object-src 'none'; base-uri 'none'";

let violations;

const ctx = useDemoPage({
  // The app pages here are fulfilled by Playwright, so Chromium knows no IP address for
  // them and its Local Network Access check treats them as public pages, which may not
  // frame the loopback mock provider. Served by the demo itself (127.0.0.1) they may; the
  // flag restores that, and nothing else changes.
  launch: { args: [...CHROMIUM_ARGS, '--disable-features=LocalNetworkAccessChecks'] },
  probe: true,
  // Each test opens the page it needs.
  home: false,
  async setup({ browser }) {
    // Every document of the context reports its violations here.
    await browser.context.exposeBinding('__reportCsp', (source, what) => violations.push(`${source.frame.url()}: ${what}`));
    await browser.context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__reportCsp(`${e.violatedDirective} blocked ${e.blockedURI}`);
      });
    });
    browser.context.on('console', (msg) => {
      if (/Content.Security.Policy|Trusted ?(Type|HTML|Script)/i.test(msg.text())) violations.push(`console: ${msg.text()}`);
    });
  },
  beforePage() {
    violations = [];
  },
});

/** Serves `path` on the demo's origin with `body`, a content type and (for pages) a CSP. */
async function serve(path, contentType, body, csp) {
  await ctx.page.route(`${ctx.demo.baseUrl}${path}`, (route) => route.fulfill({
    status: 200,
    contentType,
    headers: csp ? { 'content-security-policy': csp } : {},
    body,
  }));
}

// The app's script: no inline code anywhere, handlers added with addEventListener.
const APP_SCRIPT = (importLine, authExpr) => `${importLine}
const auth = ${authExpr};
const out = (window.__out = { calls: 0, results: [] });
const record = (what) => (err, response) => {
  out.calls += 1;
  out.results.push({ what, code: err && err.code, transport: response && response.transport,
    name: response && response.data && response.data.user && response.data.user.name });
};
const base = { authPageUrl: '/coauth/auth_page', resultPageUrl: location.origin + '/coauth/result_page' };
document.getElementById('popup').addEventListener('click', () => {
  auth.auth({ ...base, providerType: 'demo' }, record('popup'));
});
document.getElementById('frame').addEventListener('click', () => {
  const worker = auth.auth({ ...base, providerType: 'demo-auto', customAuthResultRequest: true }, (err, data) => {
    if (err) return record('frame')(err);
    auth.authResultFrameRequest(data, { fields: { csrf: 'x' } }, (e, r) => { worker.closeWindow(); record('frame')(e, r); });
  });
});
document.getElementById('silent').addEventListener('click', () => {
  auth.tryAuth({ ...base, providerType: 'demo-auto' }, record('silent'));
});
`;

const PAGE = (scriptTags) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>strict</title></head>
<body><button id="popup">popup</button><button id="frame">frame</button><button id="silent">silent</button>
${scriptTags}</body></html>`;

/** Clicks the three buttons in turn and returns what the app recorded. */
async function signInThreeWays() {
  const opened = ctx.page.waitForEvent('popup');
  await ctx.page.click('#popup');
  const popup = await opened;
  await popup.waitForSelector('#approve');
  const closed = popupClosed(popup);
  await popup.click('#approve').catch(() => {});
  await closed;
  await ctx.page.waitForFunction(() => window.__out.calls === 1);

  await ctx.page.click('#frame');
  await ctx.page.waitForFunction(() => window.__out.calls === 2);
  await ctx.page.click('#silent');
  await ctx.page.waitForFunction(() => window.__out.calls === 3);
  await sleep(SETTLE_MS);
  return ctx.page.evaluate(() => window.__out);
}

test('a classic script under script-src \'self\'; object-src \'none\'; base-uri \'none\': popup, frame transport, silent', async () => {
  await serve('/strict/', 'text/html', PAGE('<script src="/coauth/coauth.js"></script><script src="/strict/app.js"></script>'), STRICT_CSP);
  await serve('/strict/app.js', 'text/javascript', APP_SCRIPT('', "new coauth.Auth('/coauth')"));
  await ctx.page.goto(`${ctx.demo.baseUrl}/strict/`);
  const baseline = await probe(ctx.page);

  const out = await signInThreeWays();
  assert.deepEqual(out.results, [
    { what: 'popup', code: null, transport: 'http', name: 'Ada Lovelace' },
    { what: 'frame', code: null, transport: 'frame', name: 'Ada Lovelace' },
    { what: 'silent', code: null, transport: 'http', name: 'Ada Lovelace' },
  ]);
  assert.equal(out.calls, 3);
  assert.deepEqual(violations, []);
  assert.deepEqual(await probe(ctx.page), baseline);
});

test('as an ES module (coauth.mjs) under the same CSP plus Trusted Types', async () => {
  const csp = `${STRICT_CSP}; require-trusted-types-for 'script'`;
  await serve('/esm/', 'text/html', PAGE('<script type="module" src="/esm/app.mjs"></script>'), csp);
  await serve('/esm/app.mjs', 'text/javascript', `${APP_SCRIPT("import coauth, { Auth } from '/coauth/coauth.mjs';", "new Auth('/coauth')")}
window.__shape = { sameAuth: Auth === coauth.Auth, global: window.coauth === coauth, keys: Object.keys(coauth) };
`);
  await ctx.page.goto(`${ctx.demo.baseUrl}/esm/`);
  await ctx.page.waitForFunction(() => window.__shape);
  assert.deepEqual(await ctx.page.evaluate(() => window.__shape), { sameAuth: true, global: true, keys: ['Auth'] });
  const baseline = await probe(ctx.page);

  const out = await signInThreeWays();
  assert.deepEqual(out.results.map((r) => [r.what, r.code, r.transport]), [
    ['popup', null, 'http'],
    ['frame', null, 'frame'],
    ['silent', null, 'http'],
  ]);
  assert.deepEqual(violations, []);
  assert.deepEqual(await probe(ctx.page), baseline);
});

test('importing coauth.mjs on a page that has the classic script reuses its global', async () => {
  await ctx.page.goto(`${ctx.demo.baseUrl}/`);
  const same = await ctx.page.evaluate(async () => {
    const before = window.coauth;
    const module = await import('/coauth/coauth.mjs');
    return module.default === before && module.Auth === before.Auth && window.coauth === before;
  });
  assert.equal(same, true);
  assert.deepEqual(violations, []);
});
