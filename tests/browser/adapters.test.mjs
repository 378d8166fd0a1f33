// A full popup sign-in in real Chromium against the demo of every adapter: axum, warp and
// rocket serve the same demo page and the same coauth resources, and must behave the same.
// Run: cargo build -p coauth-tests --example demo --example demo_warp --example demo_rocket
//   && (cd tests/browser && node --test adapters.test.mjs)

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  approveInPopup, demoOutcome, launchBrowser, startDemo,
} from './support.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const examples = path.join(process.env.CARGO_TARGET_DIR || path.join(repoRoot, 'target'), 'debug', 'examples');

/** Each adapter's demo binary, as `cargo build -p coauth-{adapter} --example ...` names it. */
const DEMOS = [
  { adapter: 'axum', bin: path.join(examples, 'demo') },
  { adapter: 'warp', bin: path.join(examples, 'demo_warp') },
  { adapter: 'rocket', bin: path.join(examples, 'demo_rocket') },
];

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

for (const { adapter, bin } of DEMOS) {
  test(`${adapter}: sign-in with the demo provider in a popup shows the user`, async () => {
    const demo = await startDemo(bin);
    const page = await browser.context.newPage();
    try {
      const pageResponse = await page.goto(`${demo.baseUrl}/`);
      assert.equal(pageResponse.status(), 200);

      // The script and the stub pages come from this adapter, with the core's headers.
      const script = await page.request.get(`${demo.baseUrl}/coauth/coauth.js`);
      assert.equal(script.status(), 200);
      assert.equal(script.headers()['content-type'], 'text/javascript; charset=utf-8');
      assert.equal(script.headers()['x-content-type-options'], 'nosniff');

      await approveInPopup(page, '#signin-demo');

      const shown = await demoOutcome(page);
      assert.equal(shown.status, 'Signed in', `${adapter}: ${shown.errorCode}\n${demo.output()}`);
      assert.equal(shown.name, 'Ada Lovelace');
      assert.equal(shown.email, 'ada@example.test');
      assert.equal(shown.errorCode, '');
      assert.equal(shown.callbacks, 1);
    } finally {
      await page.close();
      await demo.stop();
    }
  });
}
