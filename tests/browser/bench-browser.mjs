// Click-to-callback in real Chromium, coauth against the same navigations without it
// (scripts/bench-browser). The bench server (tests/examples/bench_server.rs) serves three
// pages: /bench/coauth signs in with coauth.js in a popup against the demo's auto-approving
// mock provider; /bench/plain opens a popup on the same stub page, sends it to the same
// mock's authorization URL and receives the redirect on a page of its own, by hand;
// /bench/minimum does what /bench/plain does plus the least a client of coauth's protocol
// without the early answer adds (a server round trip before the popup leaves the stub page,
// coauth.js loaded on the result page, a server round trip after the answer); /bench/coauth?authPageUrl=about:blank
// is the coauth page without a stub page to load, and /bench/coauth?prepare the coauth page
// whose flow `auth.prepare()` asked for before the click. Each page times its button's
// click to its callback. Warm-up, then RUNS runs of each, interleaved in a rotating order; medians
// and the ratios are printed. A measurement, not a test.

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
  await page.waitForFunction(() => window.__ready !== false, null, { timeout: 15_000 });
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
  const paths = {
    coauth: '/bench/coauth',
    blank: '/bench/coauth?authPageUrl=about:blank',
    prepared: '/bench/coauth?prepare',
    plain: '/bench/plain',
    minimum: '/bench/minimum',
  };
  const names = Object.keys(paths);
  const pages = {};
  const times = {};
  for (const name of names) {
    pages[name] = await browser.context.newPage();
    await pages[name].goto(`${server.baseUrl}${paths[name]}`);
    times[name] = [];
  }
  for (let i = 0; i < WARM_UP; i++) {
    for (const name of names) await once(pages[name]);
  }
  for (let i = 0; i < RUNS; i++) {
    // Rotate which goes first, so none always runs on a warmer browser.
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length];
      times[name].push(await once(pages[name]));
    }
  }
  const c = median(times.coauth);
  const p = median(times.plain);
  const m = median(times.minimum);
  const blank = median(times.blank);
  const prepared = median(times.prepared);
  console.log(`plain navigations (no coauth):            median ${p.toFixed(1)} ms of ${RUNS}`);
  console.log(`the same + the protocol's least, by hand: median ${m.toFixed(1)} ms of ${RUNS}`);
  console.log(`coauth popup sign-in:                     median ${c.toFixed(1)} ms of ${RUNS}`);
  console.log(`the same, authPageUrl 'about:blank':      median ${blank.toFixed(1)} ms of ${RUNS}`);
  console.log(`the same, flow prepared before the click: median ${prepared.toFixed(1)} ms of ${RUNS}`);
  console.log(`click-to-callback = ${(c / p).toFixed(2)} x the same navigations (goal <= 1.15)`);
  console.log(`                  = ${(c / m).toFixed(2)} x the navigations with the protocol's least round trips and script`);
  console.log(`prepared          = ${(prepared / p).toFixed(2)} x the same navigations`);
} finally {
  await browser.close();
  server.stop();
}
