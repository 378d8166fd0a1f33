// auth.session() and auth.signOut() in real Chromium, with the coauth server's answers
// stubbed by Playwright routes: what each sends, how each answer is delivered (callback and
// Promise forms), and that every failure is one of coauth's error objects. The demo server
// only provides the origin and the page; session.test.mjs runs both against the real server.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDemoPage } from './support.mjs';

const ctx = useDemoPage();

/**
 * Answers `pattern` with `answer` ({ status, contentType?, body? }, or 'abort' for a refused
 * connection) and records each request: method, path, body, headers.
 */
async function stub(pattern, answer) {
  const seen = [];
  await ctx.page.route(pattern, async (route) => {
    const req = route.request();
    seen.push({
      method: req.method(),
      path: new URL(req.url()).pathname,
      body: req.postData(),
      headers: await req.allHeaders(),
    });
    if (answer === 'abort') return route.abort('connectionrefused');
    return route.fulfill(answer);
  });
  return seen;
}

const json = (status, body, headers = {}) => ({ status, contentType: 'application/json', body: JSON.stringify(body), headers });

/**
 * Calls `new coauth.Auth(base)[method]()` in the page, with a callback (`form: 'callback'`)
 * or as a Promise, and resolves with what it delivered: the error as plain data, the value,
 * how many arguments the callback got, and whether it came synchronously.
 */
function call(method, form, base = '/coauth') {
  return ctx.page.evaluate(([method, form, base]) => new Promise((resolve) => {
    let synchronous = true;
    const report = (args) => {
      const [err, value] = args;
      resolve({
        synchronous,
        argCount: args.length,
        error: err ? {
          isError: err instanceof Error,
          code: err.code,
          status: err.status,
          message: err.message,
          response: err.response && JSON.parse(JSON.stringify(err.response)),
        } : null,
        valueType: value === null ? 'null' : typeof value,
        value: value === undefined ? null : value,
        fetchInits: window.__fetchInits,
      });
    };
    // What coauth.js asks fetch for, recorded on the way (fetch itself still runs).
    const native = window.fetch;
    window.__fetchInits = [];
    window.fetch = function (input, init) {
      window.__fetchInits.push({ cache: init && init.cache, credentials: init && init.credentials });
      return native.apply(this, arguments);
    };
    const auth = new window.coauth.Auth(base);
    if (form === 'callback') {
      const handle = auth[method]((...args) => report(args));
      if (handle instanceof Promise) resolve({ wrongForm: true });
    } else {
      const handle = auth[method]();
      if (!(handle instanceof Promise)) resolve({ wrongForm: true });
      handle.then((value) => report([null, value]), (err) => report([err]));
    }
    synchronous = false;
    window.fetch = native;
  }), [method, form, base]);
}

const SESSION = {
  providerType: 'demo',
  user: {
    id: 'u-1',
    name: 'Ada Lovelace',
    email: 'ada@example.test',
    emailVerified: true,
    avatarUrl: null,
    profileUrl: null,
    username: 'ada',
  },
  claims: { account: 7 },
  signedInAt: 1_700_000_000,
  expiresAt: 1_700_086_400,
};

for (const form of ['callback', 'promise']) {
  test(`session() (${form}): the signed-in user from a 200, by a GET of {base}/session with the page's cookies, never cached`, async () => {
    const seen = await stub('**/coauth/session', json(200, SESSION, { 'cache-control': 'no-store' }));
    // A cookie of the page's origin, to show that the request carries the page's cookies.
    await ctx.page.evaluate(() => { document.cookie = 'probe=1; path=/'; });
    const got = await call('session', form);

    assert.equal(got.error, null);
    assert.equal(got.synchronous, false);
    assert.deepEqual(got.value, SESSION);
    if (form === 'callback') assert.equal(got.argCount, 2);
    assert.equal(seen.length, 1);
    const [request] = seen;
    assert.equal(request.method, 'GET');
    assert.equal(request.path, '/coauth/session');
    assert.equal(request.body, null);
    assert.match(request.headers.cookie || '', /\bprobe=1\b/);
    // Neither the browser's cache nor a stored answer stands in for the server's word, and
    // the cookies are the page origin's own.
    assert.deepEqual(got.fetchInits, [{ cache: 'no-store', credentials: 'same-origin' }]);
  });

  test(`session() (${form}): a 401 means signed out, delivered as null, not an error`, async () => {
    const seen = await stub('**/coauth/session', { status: 401, body: '' });
    const got = await call('session', form);
    assert.equal(got.error, null);
    assert.equal(got.valueType, 'null');
    if (form === 'callback') assert.equal(got.argCount, 2);
    assert.equal(seen.length, 1);
  });

  test(`session() (${form}): a server error, a non-coauth answer and an unreachable server are coauth errors`, async () => {
    await stub('**/coauth/session', json(500, { code: 'ServerError', message: 'the session key is missing' }));
    let got = await call('session', form);
    assert.deepEqual(got.error, {
      isError: true,
      code: 'ServerError',
      status: 500,
      message: 'the session key is missing',
      response: {
        status: 500,
        headers: got.error.response.headers,
        data: { code: 'ServerError', message: 'the session key is missing' },
        transport: 'http',
      },
    });
    assert.equal(got.error.response.headers['content-type'], 'application/json');
    await ctx.page.unroute('**/coauth/session');

    // A proxy's error page: not JSON, its status kept.
    await stub('**/coauth/session', { status: 502, contentType: 'text/html', body: '<h1>Bad gateway</h1>' });
    got = await call('session', form);
    assert.equal(got.error.code, 'ServerError');
    assert.equal(got.error.status, 502);
    assert.equal(got.error.response.data, null);
    await ctx.page.unroute('**/coauth/session');

    // A 200 that is not a session (a catch-all HTML page): an error, never "signed out".
    await stub('**/coauth/session', { status: 200, contentType: 'text/html', body: '<p>app shell</p>' });
    got = await call('session', form);
    assert.equal(got.error.code, 'ServerError');
    assert.equal(got.error.status, 200);
    await ctx.page.unroute('**/coauth/session');

    await stub('**/coauth/session', 'abort');
    got = await call('session', form);
    assert.equal(got.error.isError, true);
    assert.equal(got.error.code, 'NetworkError');
    assert.equal(got.error.status, undefined);
  });

  test(`signOut() (${form}): POSTs {} as JSON to {base}/sign_out, and a 204 without a body is success`, async () => {
    const seen = await stub('**/coauth/sign_out', { status: 204, body: '' });
    const got = await call('signOut', form);

    assert.equal(got.error, null);
    assert.equal(got.synchronous, false);
    assert.equal(got.valueType, 'undefined');
    assert.equal(seen.length, 1);
    const [request] = seen;
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/coauth/sign_out');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.body, '{}');
    assert.equal(request.headers.origin, ctx.demo.baseUrl);
  });

  test(`signOut() (${form}): the server's refusal and an unreachable server are coauth errors`, async () => {
    const refusal = { code: 'InputError', message: "the request's origin is not allowed" };
    await stub('**/coauth/sign_out', json(400, refusal));
    let got = await call('signOut', form);
    assert.deepEqual(got.error, {
      isError: true,
      code: 'InputError',
      status: 400,
      message: refusal.message,
      response: { status: 400, headers: got.error.response.headers, data: refusal, transport: 'http' },
    });
    assert.equal(got.error.response.headers['content-type'], 'application/json');
    await ctx.page.unroute('**/coauth/sign_out');

    await stub('**/coauth/sign_out', json(415, { code: 'ValidationError', message: 'JSON only' }));
    got = await call('signOut', form);
    assert.equal(got.error.code, 'ValidationError');
    assert.equal(got.error.status, 415);
    await ctx.page.unroute('**/coauth/sign_out');

    await stub('**/coauth/sign_out', 'abort');
    got = await call('signOut', form);
    assert.equal(got.error.code, 'NetworkError');
    assert.equal(got.error.status, undefined);
  });
}

test('session() and signOut() use the base they were given, a trailing slash trimmed', async () => {
  const sessions = await stub('**/auth/v1/session', { status: 401, body: '' });
  const signOuts = await stub('**/auth/v1/sign_out', { status: 204, body: '' });
  assert.equal((await call('session', 'promise', '/auth/v1/')).valueType, 'null');
  assert.equal((await call('signOut', 'promise', '/auth/v1/')).error, null);
  assert.deepEqual(sessions.map((r) => r.path), ['/auth/v1/session']);
  assert.deepEqual(signOuts.map((r) => r.path), ['/auth/v1/sign_out']);
});

test('a callback that is not a function is refused at once', async () => {
  const thrown = await ctx.page.evaluate(() => ['session', 'signOut'].map((method) => {
    try {
      new window.coauth.Auth('/coauth')[method]('not a function');
      return null;
    } catch (e) {
      return e instanceof TypeError;
    }
  }));
  assert.deepEqual(thrown, [true, true]);
});
