// Shared fixtures for the browser tests: the coauth-axum demo server and a real Chromium.
// One server and one browser per test file (a Chromium start costs about a second).

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A fixed 48-character app secret for the demo server; never a real one. */
export const TEST_SECRET = 'coauth-browser-tests-secret-not-for-production!!';

/**
 * Starts the demo server (`cargo build -p coauth-axum --example demo` first, or set
 * COAUTH_DEMO_BIN) on a free port and resolves once it prints its `listening on` line.
 */
export async function startDemo() {
  const bin = process.env.COAUTH_DEMO_BIN || path.join(repoRoot, 'target', 'debug', 'examples', 'demo');
  if (!existsSync(bin)) {
    throw new Error(`demo server binary not found at ${bin}: run \`cargo build -p coauth-axum --example demo\` or set COAUTH_DEMO_BIN`);
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

/** The Chromium flags from TESTING.md: no background traffic to hosts we cannot reach. */
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
