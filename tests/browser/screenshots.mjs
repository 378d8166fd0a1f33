// The README's pictures of the demo: its page before a sign-in (docs/demo-signed-out.png)
// and after one through the popup at the mock provider (docs/demo-signed-in.png), at
// 1280x800 in headless Chromium. Not a test: run it by hand when the demo page changes.
// Run (from the repository's root): cargo build -p coauth-tests --example demo
//   && node tests/browser/screenshots.mjs
// It reads the same environment as the tests (support.mjs): COAUTH_DEMO_BIN, CHROMIUM_BIN.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { approveInPopup, launchBrowser, startDemo } from './support.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const docs = path.join(repoRoot, 'docs');
const VIEWPORT = { width: 1280, height: 800 };

/** Waits until the element `id` of the demo page reads `text`. */
function shows(page, id, text) {
  return page.waitForFunction(
    ([id, text]) => document.getElementById(id).textContent === text,
    [id, text],
    { timeout: 15_000 },
  );
}

const demo = await startDemo();
const browser = await launchBrowser({ viewport: VIEWPORT });
try {
  await mkdir(docs, { recursive: true });
  const page = await browser.context.newPage();
  await page.goto(`${demo.baseUrl}/`);
  await shows(page, 'session-status', 'Signed out');
  await page.screenshot({ path: path.join(docs, 'demo-signed-out.png') });

  await approveInPopup(page, '#signin-demo');
  await shows(page, 'status', 'Signed in');
  await shows(page, 'session-status', 'Signed in as Ada Lovelace (demo)');
  // The result card and the step log are below the buttons: scroll them into the picture,
  // from the status line down, and take the pointer off the button it clicked.
  await page.mouse.move(0, 0);
  await page.evaluate(() => {
    document.getElementById('status').parentNode.scrollIntoView({ block: 'start' });
    window.scrollBy(0, -24);
  });
  await page.screenshot({ path: path.join(docs, 'demo-signed-in.png') });
  console.log(`wrote ${path.relative(repoRoot, path.join(docs, 'demo-signed-out.png'))} and demo-signed-in.png`);
} finally {
  await browser.close();
  await demo.stop();
}
