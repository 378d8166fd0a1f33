// Shared fixtures for the browser tests: the coauth-axum demo server and a real Chromium.
// One server and one browser per test file (a Chromium start costs about a second);
// useDemoPage sets both up with a fresh page per test.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A fixed 48-character app secret for the demo server; never a real one. */
export const TEST_SECRET = 'coauth-browser-tests-secret-not-for-production!!';

/**
 * Starts the demo server (`cargo build -p coauth-tests --example demo` first, or set
 * COAUTH_DEMO_BIN) on a free port and resolves once it prints its `listening on` line.
 * `demoBin` picks another demo binary (e.g. `target/debug/examples/demo_warp`).
 */
export async function startDemo(demoBin) {
  const bin = demoBin || process.env.COAUTH_DEMO_BIN || path.join(repoRoot, 'target', 'debug', 'examples', 'demo');
  if (!existsSync(bin)) {
    throw new Error(`demo server binary not found at ${bin}: run \`cargo build -p coauth-tests --example demo\` or set COAUTH_DEMO_BIN`);
  }
  const child = spawn(bin, [], {
    env: { ...process.env, PORT: '0', COAUTH_SECRET: TEST_SECRET },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk) => {
    // Keep the tail only: enough to explain a failure, bounded for a long run.
    output = (output + chunk).slice(-64 * 1024);
  };
  child.stdout.setEncoding('utf8').on('data', collect);
  child.stderr.setEncoding('utf8').on('data', collect);

  const baseUrl = await new Promise((resolve, reject) => {
    const fail = (why) => {
      clearTimeout(timer);
      reject(new Error(`demo server ${why}\n--- its output ---\n${output}`));
    };
    const timer = setTimeout(() => fail('printed no "listening on" line within 30 s'), 30_000);
    child.stdout.on('data', () => {
      const match = /listening on (https?:\/\/[^\s/]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('error', (e) => fail(`could not start: ${e.message}`));
    child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
  });

  return {
    baseUrl,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/**
 * Chromium flags for a container without a GPU or a sandbox, and no background traffic to
 * hosts we cannot reach (updates, sync, QUIC probes).
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless Chromium with a fresh profile; `close()` removes the profile too. */
export async function launchBrowser(extra = {}) {
  const profile = await mkdtemp(path.join(tmpdir(), 'coauth-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    ...extra,
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Resolves when `popup` has closed (at once if it already has). */
export function popupClosed(popup, timeout = 10_000) {
  if (popup.isClosed()) return Promise.resolve();
  return popup.waitForEvent('close', { timeout });
}

/** Milliseconds to let late callbacks, requests or popups show up before asserting none did. */
export const SETTLE_MS = 500;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Clicks `selector` on `page` (a sign-in button), approves at the mock provider in the popup
 * it opens, and resolves once that popup has closed.
 */
export async function approveInPopup(page, selector) {
  const popupOpened = page.waitForEvent('popup');
  await page.click(selector);
  const popup = await popupOpened;
  await popup.waitForSelector('#approve', { timeout: 15_000 });
  const closed = popupClosed(popup);
  await clickClosing(popup, '#approve');
  await closed;
}

/**
 * Waits until the demo page shows a final outcome, then a while longer, so that a second
 * callback or delivery would have happened before anything is counted.
 */
export async function demoSettled(page) {
  await page.waitForFunction(
    () => ['Signed in', 'Sign-in failed'].includes(document.getElementById('status').textContent),
    null,
    { timeout: 15_000 },
  );
  await sleep(SETTLE_MS);
}

/** Waits until the demo page shows a final outcome, then reads everything it shows. */
export async function demoOutcome(page) {
  await demoSettled(page);
  return page.evaluate(() => {
    const text = (id) => document.getElementById(id).textContent;
    return {
      status: text('status'),
      name: text('user-name'),
      email: text('user-email'),
      errorCode: text('error-code'),
      errorMessage: text('error-message'),
      callbacks: window.__coauthCallbacks,
      lastError: window.__coauthLastError,
      cspViolations: window.__cspViolations,
    };
  });
}

/**
 * Calls `new coauth.Auth('/coauth').auth(options, cb)` in `page` (page.evaluate carries a
 * user gesture, so the popup may open) and resolves with what the callback received,
 * plus whether it came synchronously and whether `options` was left untouched.
 */
export function authIn(page, options) {
  return page.evaluate((opts) => new Promise((resolve) => {
    const before = JSON.stringify(opts);
    let synchronous = true;
    new window.coauth.Auth('/coauth').auth(opts, (...args) => {
      const [err, result] = args;
      resolve({
        synchronous,
        argCount: args.length,
        optionsUntouched: JSON.stringify(opts) === before,
        error: err ? {
          isError: err instanceof Error,
          code: err.code,
          status: err.status,
          message: err.message,
          response: err.response,
        } : null,
        result: result ?? null,
      });
    });
    synchronous = false;
  }), options);
}

/**
 * Test-side instrumentation, installed in every page and frame of `context` before any
 * page script runs: counts the event listeners, timers and BroadcastChannels that coauth.js
 * (the caller's stack names coauth.js) has alive, and the page's iframes and forms, so a
 * test can show that coauth.js leaves nothing behind. coauth.js ships no debug hook; this
 * wraps the platform functions it calls.
 */
export async function installProbe(context) {
  await context.addInitScript(() => {
    const fromCoauth = () => /\/coauth\.m?js/.test(new Error().stack);
    const listeners = [];
    const capture = (options) => (typeof options === 'boolean' ? options : !!(options && options.capture));
    const find = (target, type, listener, options) => listeners.findIndex((l) =>
      l.target === target && l.type === type && l.listener === listener && l.capture === capture(options));
    const add = EventTarget.prototype.addEventListener;
    const remove = EventTarget.prototype.removeEventListener;
    EventTarget.prototype.addEventListener = function (type, listener, options) {
      if (listener && fromCoauth() && find(this, type, listener, options) < 0) {
        listeners.push({ target: this, type, listener, capture: capture(options) });
      }
      return add.call(this, type, listener, options);
    };
    EventTarget.prototype.removeEventListener = function (type, listener, options) {
      const index = find(this, type, listener, options);
      if (index >= 0) listeners.splice(index, 1);
      return remove.call(this, type, listener, options);
    };

    const timers = new Set();
    const wrapTimer = (set, clear, repeat) => {
      window[set] = new Proxy(window[set], {
        apply(target, self, [fn, ...rest]) {
          let id;
          const run = typeof fn === 'function'
            ? function (...args) { if (!repeat) timers.delete(id); return fn.apply(this, args); }
            : fn;
          id = Reflect.apply(target, self, [run, ...rest]);
          if (fromCoauth()) timers.add(id);
          return id;
        },
      });
      window[clear] = new Proxy(window[clear], {
        apply(target, self, args) {
          timers.delete(args[0]);
          return Reflect.apply(target, self, args);
        },
      });
    };
    wrapTimer('setTimeout', 'clearTimeout', false);
    wrapTimer('setInterval', 'clearInterval', true);

    const channels = new Set();
    const channelNames = [];
    if (window.BroadcastChannel) {
      const Native = window.BroadcastChannel;
      window.BroadcastChannel = class extends Native {
        constructor(name) {
          super(name);
          if (fromCoauth()) channels.add(this);
          channelNames.push(String(name));
        }
        close() {
          channels.delete(this);
          return super.close();
        }
      };
    }

    Object.defineProperty(window, '__coauthProbe', {
      value: {
        snapshot: () => ({
          listeners: listeners.map((l) => l.type).sort(),
          timers: timers.size,
          channels: channels.size,
          frames: document.querySelectorAll('iframe').length,
          forms: document.querySelectorAll('form').length,
        }),
        channelNames: () => channelNames.slice(),
      },
    });
  });
}

/** What the probe counts in `page` now (see installProbe). */
export function probe(page) {
  return page.evaluate(() => window.__coauthProbe.snapshot());
}

/**
 * Starts `new coauth.Auth('/coauth')[method](options, cb)` in `page` and records what the
 * callback receives in `window.__coauthFlows[name]`. With `extra.signal`, the options get
 * the signal of an AbortController the test can trigger with `abortFlow`.
 */
export function beginFlow(page, name, method, options, extra = {}) {
  return page.evaluate(([name, method, options, extra]) => {
    window.__coauthFlows = window.__coauthFlows || {};
    const flow = { calls: 0, settled: false, error: null, result: null, startedAt: performance.now() };
    window.__coauthFlows[name] = flow;
    if (extra.signal) {
      flow.controller = new AbortController();
      options.signal = flow.controller.signal;
    }
    flow.worker = new window.coauth.Auth('/coauth')[method](options, (err, result) => {
      flow.calls += 1;
      flow.settled = true;
      flow.elapsed = performance.now() - flow.startedAt;
      flow.error = err ? {
        isError: err instanceof Error,
        code: err.code,
        status: err.status,
        message: err.message,
        response: err.response && JSON.parse(JSON.stringify(err.response)),
      } : null;
      flow.result = result === undefined ? null : JSON.parse(JSON.stringify(result));
      flow.raw = result;
    });
  }, [name, method, options, extra]);
}

/** Aborts the AbortController of a flow started with `beginFlow(..., { signal: true })`. */
export function abortFlow(page, name) {
  return page.evaluate((n) => window.__coauthFlows[n].controller.abort(), name);
}

/** Whether the callback of flow `name` was called yet. */
export function flowSettled(page, name) {
  return page.evaluate((n) => window.__coauthFlows[n].settled, name);
}

/**
 * Waits until flow `name` settles, waits SETTLE_MS more for a second callback, and returns
 * { calls, error, result, elapsed } (elapsed: ms from the call to the callback, in-page).
 */
export async function flowOutcome(page, name, timeout = 15_000) {
  await page.waitForFunction((n) => window.__coauthFlows[n].settled, name, { timeout });
  await sleep(SETTLE_MS);
  return page.evaluate((n) => {
    const { calls, error, result, elapsed } = window.__coauthFlows[n];
    return { calls, error, result, elapsed };
  }, name);
}

/**
 * Registers the hooks most test files share, and returns their fixture, whose properties are
 * always the current ones:
 * - `demo` and `browser`: one demo server and one Chromium (`launchBrowser(options.launch)`)
 *   for the whole file, both stopped after it; with `options.probe`, the probe
 *   (installProbe) is in every page of the browser;
 * - `page`: a fresh page for each test, on the demo's home page unless `options.home` is
 *   false; after the test, every other page of the browser is closed, then this one;
 * - `baseline`: with `options.probe`, what the probe counted on the home page before the test;
 * - `popups`: with `options.popups`, the popups `page` opened during the test.
 * Callbacks, in the order they run: `options.beforeStart()` before the server starts (e.g. to
 * start another server that the demo's environment names), `options.setup(fixture)` once the
 * server and the browser are up, `options.beforePage(fixture)` before each test's page
 * opens, and `options.afterStop()` once the browser and the server are stopped. (Node 20 runs
 * a file's top-level `before` hooks concurrently, so a file needs these to order its own
 * steps around the fixture's.)
 */
export function useDemoPage(options = {}) {
  const { probe: withProbe = false, popups: collectPopups = false, home = true } = options;
  const fixture = { demo: null, browser: null, page: null, baseline: null, popups: [] };

  before(async () => {
    await options.beforeStart?.();
    fixture.demo = await startDemo();
    fixture.browser = await launchBrowser(options.launch);
    if (withProbe) await installProbe(fixture.browser.context);
    await options.setup?.(fixture);
  });

  after(async () => {
    await fixture.browser?.close();
    await fixture.demo?.stop();
    await options.afterStop?.();
  });

  beforeEach(async () => {
    await options.beforePage?.(fixture);
    fixture.page = await fixture.browser.context.newPage();
    if (collectPopups) {
      fixture.popups = [];
      fixture.page.on('popup', (p) => fixture.popups.push(p));
    }
    if (home) {
      await fixture.page.goto(`${fixture.demo.baseUrl}/`);
      if (withProbe) fixture.baseline = await probe(fixture.page);
    }
  });

  afterEach(async () => {
    for (const p of fixture.browser.context.pages()) {
      if (p !== fixture.page && !p.isClosed()) await p.close();
    }
    await fixture.page.close();
  });

  return fixture;
}

/**
 * Runs `body(page, context)` on the demo's home page (`baseUrl`) in a browser of its own
 * whose clock the test controls (`page.clock`, installed before any page script runs:
 * Playwright installs it in a whole browser context, hence the own browser), with the probe
 * installed when `withProbe`; closes that browser after.
 */
export async function withClock(baseUrl, body, { probe: withProbe = false } = {}) {
  const browser = await launchBrowser();
  try {
    if (withProbe) await installProbe(browser.context);
    const page = await browser.context.newPage();
    await page.clock.install();
    await page.goto(`${baseUrl}/`);
    return await body(page, browser.context);
  } finally {
    await browser.close();
  }
}

/**
 * The `{base}/result` request bodies `page` sends from now on; the early answer's waiting
 * requests (`"wait": true`) only with `waiting`.
 */
export function resultRequests(page, { waiting = false } = {}) {
  const seen = [];
  page.on('request', (req) => {
    if (new URL(req.url()).pathname !== '/coauth/result') return;
    const body = req.postDataJSON();
    if (waiting || body.wait !== true) seen.push(body);
  });
  return seen;
}

/**
 * Answers every waiting result request (the early answer) in `target` (a page or a
 * context) with 204, "not here", as an instance that never sees the provider's redirect
 * does: the answer then reaches the app's page by the result page, the way under test.
 * The waiting requests are counted in `waits`.
 */
export async function withoutEarlyAnswer(target) {
  const waits = [];
  await target.route('**/coauth/result', (route) => {
    const sent = route.request().postDataJSON();
    if (!sent || sent.wait !== true) return route.fallback();
    waits.push(sent);
    return route.fulfill({ status: 204 });
  });
  return waits;
}

/** Clicks in a popup that the click itself may close (the opener closes it on success). */
export async function clickClosing(popup, selector) {
  try {
    await popup.click(selector);
  } catch (e) {
    if (!popup.isClosed()) throw e;
  }
}
