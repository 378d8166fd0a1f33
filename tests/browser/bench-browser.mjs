// Click-to-callback in real Chromium, coauth against the same navigations without it
// (scripts/bench-browser). The bench server (tests/examples/bench_server.rs) serves two
// pages: /bench/coauth signs in with coauth.js in a popup against the demo's auto-approving
// mock provider; /bench/plain opens a popup on the same stub page, sends it to the same
// mock's authorization URL and receives the redirect on a page of its own, by hand. Each
// page times its button's click to its callback. Warm-up, then RUNS runs of each,
// interleaved; medians and their ratio are printed. A measurement, not a test.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, popupClosed } from './support.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNS = Number(process.env.RUNS || 20);
const WARM_UP = 3;

function startServer() {
  const bin = path.join(repoRoot, 'target', 'release', 'examples', 'bench_server');
  const child = spawn(bin, [], {
    env: { ...process.env, PORT: '0', COAUTH_SECRET: 'browser bench secret, thirty-two bytes or more' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/[^\s/]+)/.exec(output);
      if (match) resolve({ baseUrl: match[1], stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => reject(new Error(`bench server exited (${code}): ${output}`)));
  });
}

/** One click on `page`'s button: the milliseconds the page measured to its callback. */
async function once(page) {
  const popup = page.waitForEvent('popup');
  popup.catch(() => {});
  await page.click('#go');
  await page.waitForFunction(() => window.__elapsed != null, null, { timeout: 15_000 });
  const elapsed = await page.evaluate(() => window.__elapsed);
  if (elapsed < 0) throw new Error(`${page.url()}: the sign-in failed: ${await page.evaluate(() => window.__error)}`);
  await popupClosed(await popup);
  return elapsed;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};

const server = await startServer();
const browser = await launchBrowser();
try {
  const coauthPage = await browser.context.newPage();
  const plainPage = await browser.context.newPage();
  await coauthPage.goto(`${server.baseUrl}/bench/coauth`);
  await plainPage.goto(`${server.baseUrl}/bench/plain`);
  for (let i = 0; i < WARM_UP; i++) {
    await once(coauthPage);
    await once(plainPage);
  }
  const coauth = [];
  const plain = [];
  for (let i = 0; i < RUNS; i++) {
    // Alternate which goes first, so neither always runs on a warmer browser.
    if (i % 2 === 0) {
      coauth.push(await once(coauthPage));
      plain.push(await once(plainPage));
    } else {
      plain.push(await once(plainPage));
      coauth.push(await once(coauthPage));
    }
  }
  const c = median(coauth);
  const p = median(plain);
  console.log(`plain navigations (no coauth): median ${p.toFixed(1)} ms of ${RUNS}`);
  console.log(`coauth popup sign-in:          median ${c.toFixed(1)} ms of ${RUNS}`);
  console.log(`click-to-callback = ${(c / p).toFixed(2)} x the same navigations (goal <= 1.15)`);
} finally {
  await browser.close();
  server.stop();
}
