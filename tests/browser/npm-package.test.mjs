// The npm package `coauth` (coauth-js/package.json) as an app installs it: `npm pack` of
// coauth-js, `npm install --offline` of the tarball into a fresh project, `tsc --noEmit`
// over a TypeScript usage file (the types come through `exports.types`), an esbuild bundle
// of it (format iife), and a real popup sign-in with that bundle in Chromium against the
// demo. The package's script must be byte for byte the one the server serves, and Node must
// `require` it without a window. TypeScript and esbuild come from this directory's
// node_modules, so nothing is downloaded.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { approveInPopup, useDemoPage } from './support.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, '..', '..', 'coauth-js');
const requireHere = createRequire(import.meta.url);
const TSC = requireHere.resolve('typescript/bin/tsc');
const ESBUILD = path.join(here, 'node_modules', '.bin', 'esbuild');

/** Runs a command to completion; throws with its output unless it exits 0. */
function run(command, args, cwd) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    // No update check, no audit, no funding notice: nothing that wants the network.
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' },
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.status}\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

// The app: signs in with the demo provider on a click and records what it got. The
// callback's parameter types are spelled out, so the real declarations must accept them.
const USAGE_TS = `import coauth, { Auth } from 'coauth';
import type { AuthOptions, AuthResponse, AuthResult, CoauthError, ErrorCode } from 'coauth';

interface Outcome {
  calls: number;
  code: ErrorCode | (string & {}) | null;
  user: { id: string; name: string | null; email: string | null; verified: boolean | null } | null;
  providerType: string | null;
  transport: 'http' | 'frame' | null;
}

declare global {
  interface Window {
    __npm: { outcome: Outcome; sameAsGlobal: boolean };
  }
}

const auth: Auth = new Auth('/coauth');
const outcome: Outcome = { calls: 0, code: null, user: null, providerType: null, transport: null };
window.__npm = { outcome, sameAsGlobal: coauth === window.coauth && Auth === window.coauth.Auth };

const options = {
  providerType: 'demo',
  authPageUrl: '/coauth/auth_page',
  resultPageUrl: location.origin + '/coauth/result_page',
  auth: { scope: ['email', 'profile'] },
} satisfies AuthOptions;

document.getElementById('signin')!.addEventListener('click', () => {
  // Called in the click: the popup opens inside the user gesture.
  auth.auth(options, (err: CoauthError<AuthResult> | null, result?: AuthResponse<AuthResult>) => {
    outcome.calls += 1;
    if (err) {
      outcome.code = err.code;
      return;
    }
    const data: AuthResult = result!.data;
    outcome.providerType = data.providerType;
    outcome.transport = result!.transport;
    outcome.user = {
      id: data.user.id,
      name: data.user.name ?? null,
      email: data.user.email ?? null,
      verified: data.user.emailVerified ?? null,
    };
  });
});

// Never called: each marked line must be rejected by the declarations. tsc fails on a
// directive with nothing to reject, so typings that accepted anything would fail here.
export function typeMistakes(): void {
  // @ts-expect-error providerType is a string
  auth.auth({ providerType: 42, resultPageUrl: '/r' }, () => {});
  // @ts-expect-error resultPageUrl is required
  auth.auth({ providerType: 'demo' }, () => {});
  auth.auth(options, (err, result) => {
    // @ts-expect-error the user's id is a string
    const id: number = result!.data.user.id;
    // @ts-expect-error the error code is a string
    const code: boolean = err!.code;
    void id;
    void code;
  });
  // @ts-expect-error the Promise form resolves with a response, not a user
  const promised: Promise<AuthResult> = auth.auth(options);
  void promised;
}
`;

// The page the bundle runs on, served on the demo's origin by a Playwright route: only the
// bundle (no <script src="/coauth/coauth.js">), under a CSP that allows same-origin scripts only.
const PAGE_CSP = "script-src 'self'; object-src 'none'; base-uri 'none'";
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>npm coauth</title></head>
<body><button id="signin">Sign in</button><script src="/npm/bundle.js"></script></body></html>`;

let work;
let app;
let packed;
let bundle;

const ctx = useDemoPage({ home: false });

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'coauth-npm-'));
  // npm pack into the temp dir; --json reports the tarball's name and files.
  [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], packageDir));
  app = path.join(work, 'app');
  await mkdir(app);
  // An ES module project, so that under node16 resolution tsc takes the `import` branch.
  await writeFile(path.join(app, 'package.json'), JSON.stringify({ name: 'coauth-npm-check', private: true, version: '0.0.0', type: 'module' }, null, 2));
  // The package has no dependencies: installing the tarball needs no network.
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', path.join(work, packed.filename)], app);
  await writeFile(path.join(app, 'usage.ts'), USAGE_TS);
});

after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

test('npm pack: exactly the client, its module, its types, README, licenses and package.json', () => {
  assert.equal(packed.name, 'coauth');
  assert.deepEqual(packed.files.map((f) => f.path).sort(), [
    'LICENSE-APACHE',
    'LICENSE-MIT',
    'README.md',
    'assets/coauth.d.ts',
    'assets/coauth.js',
    'assets/coauth.mjs',
    'package.json',
  ]);
  assert.equal(packed.bundled.length, 0);
});

test('the installed package\'s scripts are byte for byte the assets and what the server serves', async () => {
  const installed = path.join(app, 'node_modules', 'coauth', 'assets');
  for (const file of ['coauth.js', 'coauth.mjs']) {
    const fromTarball = await readFile(path.join(installed, file));
    const asset = await readFile(path.join(packageDir, 'assets', file));
    const served = Buffer.from(await (await fetch(`${ctx.demo.baseUrl}/coauth/${file}`)).arrayBuffer());
    assert.ok(fromTarball.equals(asset), `${file}: the tarball's differs from coauth-js/assets/${file}`);
    assert.ok(fromTarball.equals(served), `${file}: the tarball's differs from the demo's /coauth/${file}`);
  }
  assert.ok((await readFile(path.join(installed, 'coauth.d.ts'))).equals(await readFile(path.join(packageDir, 'assets', 'coauth.d.ts'))));
});

test('Node: require(\'coauth\') is the API, and loading it touches no window and adds no global', () => {
  const script = `
    const before = new Set(Object.getOwnPropertyNames(globalThis));
    const coauth = require('coauth');
    const added = Object.getOwnPropertyNames(globalThis).filter((name) => !before.has(name));
    console.log(JSON.stringify({
      resolved: path.relative(process.cwd(), require.resolve('coauth')),
      keys: Object.keys(coauth),
      auth: typeof coauth.Auth,
      baseUrl: new coauth.Auth('/coauth/').baseUrl,
      window: typeof window,
      added,
    }));`;
  const got = JSON.parse(run(process.execPath, ['-e', `const path = require('node:path');${script}`], app));
  assert.deepEqual(got, {
    resolved: path.join('node_modules', 'coauth', 'assets', 'coauth.js'),
    keys: ['Auth'],
    auth: 'function',
    baseUrl: '/coauth',
    window: 'undefined',
    added: [],
  });

  // The ES module entry under Node: the same object as require's.
  const esm = run(process.execPath, ['--input-type=module', '-e', `
    import coauth, { Auth } from 'coauth';
    import { createRequire } from 'node:module';
    const cjs = createRequire(process.cwd() + '/')('coauth');
    console.log(JSON.stringify({ auth: typeof Auth, same: coauth === cjs && Auth === cjs.Auth }));`], app);
  assert.deepEqual(JSON.parse(esm), { auth: 'function', same: true });
});

test('tsc --noEmit (strict, moduleResolution bundler and node16) accepts the usage file through exports.types', async () => {
  for (const moduleResolution of ['bundler', 'node16']) {
    const tsconfig = {
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'ES2022',
        module: moduleResolution === 'bundler' ? 'ESNext' : 'Node16',
        moduleResolution,
        lib: ['ES2022', 'DOM', 'DOM.Iterable'],
        types: [],
        // The declarations are checked as well, not skipped.
        skipLibCheck: false,
      },
      files: ['usage.ts'],
    };
    await writeFile(path.join(app, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    // --explainFiles names every file of the program and why it is in: the package's
    // declarations, imported by usage.ts.
    const explained = run(process.execPath, [TSC, '-p', 'tsconfig.json', '--explainFiles'], app);
    assert.match(explained, /^node_modules\/coauth\/assets\/coauth\.d\.ts\n\s+Imported via 'coauth' from file 'usage\.ts'/m, moduleResolution);
  }
});

test('an esbuild bundle (iife) of the package signs in with the demo provider in a popup', async () => {
  const out = path.join(app, 'bundle.js');
  run(ESBUILD, ['usage.ts', '--bundle', '--format=iife', '--target=es2020', `--outfile=${out}`, '--log-level=warning'], app);
  bundle = await readFile(out, 'utf8');
  // The whole client is inside: the bundle needs no /coauth/coauth.js (the message types and
  // the redirect-mode storage key are string literals no minifier renames).
  assert.match(bundle, /coauth:result/);
  assert.match(bundle, /coauth:pending:/);

  const { page, demo } = ctx;
  await page.route(`${demo.baseUrl}/npm/`, (route) => route.fulfill({
    status: 200,
    contentType: 'text/html',
    headers: { 'content-security-policy': PAGE_CSP },
    body: PAGE,
  }));
  await page.route(`${demo.baseUrl}/npm/bundle.js`, (route) => route.fulfill({
    status: 200,
    contentType: 'text/javascript',
    body: bundle,
  }));
  await page.goto(`${demo.baseUrl}/npm/`);
  await page.waitForFunction(() => window.__npm);
  assert.equal(await page.evaluate(() => window.__npm.sameAsGlobal), true);
  assert.equal(await page.evaluate(() => document.querySelectorAll('script[src*="coauth"]').length), 0);

  await approveInPopup(page, '#signin');
  await page.waitForFunction(() => window.__npm.outcome.calls > 0, null, { timeout: 15_000 });
  assert.deepEqual(await page.evaluate(() => window.__npm.outcome), {
    calls: 1,
    code: null,
    user: { id: 'mock-user-1', name: 'Ada Lovelace', email: 'ada@example.test', verified: true },
    providerType: 'demo',
    transport: 'http',
  });
});
