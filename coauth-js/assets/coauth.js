/* coauth.js — popup social sign-in client. No dependencies, no build step.
 *
 * One script, four roles:
 *  - on the app's page: the global `coauth` with `new coauth.Auth(base)` (`auth`, `tryAuth`,
 *    `prepare`, `resume`, `authResultHttpRequest`, `authResultFrameRequest`, and for the server's
 *    sessions `session` and `signOut`); coauth.mjs re-exports it as an ES module, and where
 *    `module.exports` exists (CommonJS: `require('coauth')`, bundlers) the same object is
 *    the module's export too. A sign-in's answer comes by the early answer's waiting result
 *    request where the server can hand it over, else by the result page below;
 *  - loaded with data-coauth-page="result": in redirect mode (this tab's sessionStorage holds
 *    the flow of the answer's state), keeps the answer there and goes back to the page that
 *    started the sign-in, whose `resume()` finishes it; otherwise hands the provider's
 *    redirect parameters, and where this page was loaded (`redirectUri`), to the window that
 *    opened the popup or the frame (postMessage to this page's own origin; then the opener's
 *    postMessageWorkaroundFuncName function, same origin only; then a BroadcastChannel named
 *    after the flow when Cross-Origin-Opener-Policy cut the opener);
 *  - loaded with data-coauth-page="frame-result": the answer of {base}/result_frame, which
 *    posts the result it carries to its parent;
 *  - loaded with data-coauth-page="auth": the stub shown while the popup loads the provider.
 *
 * Written for a strict CSP (script-src 'self', Trusted Types): no eval, no string timers,
 * no inline handlers, no HTML-string sinks (text goes in with textContent).
 */
(function (w, d, cjs) {
  'use strict';

  var RESULT = 'coauth:result';
  var FRAME_RESULT = 'coauth:frame-result';
  var ACK = 'coauth:ack';
  // The longest a flow lives (the server's flow_lifetime is at most 10 minutes): how long a
  // popup cut off by Cross-Origin-Opener-Policy is waited for.
  var LIFETIME = 600000;
  // A popup that reads closed this soon (ms) after it reached the provider was cut off by
  // the provider page's Cross-Origin-Opener-Policy as that page loaded, not closed.
  var CUT = 1000;
  // sessionStorage keys of redirect-mode flows: PENDING + the flow id (state or request token).
  var PENDING = 'coauth:pending:';
  // How long (ms) a flow prepare() asked for stays usable by a sign-in, leaving the user
  // the rest of the flow's lifetime at the provider.
  var FRESH = 60000;
  // How long (ms) after the popup (or frame) goes to the provider the waiting result
  // request of the early answer is kept: past the server's own window (4 s), in which a
  // provider that answers at once (a returning user) has answered.
  var QUICK = 5000;
  // Outside a browser (Node's require) there is no window: loading defines the API and
  // touches nothing else; only calling it needs a browser.
  var loc = w && w.location;

  var DEFAULTS = {
    providerType: '',
    identity: null,
    hidden: false,
    authPageUrl: '',
    resultPageUrl: '',
    customAuthResultRequest: false,
    // true: the whole page goes to the provider and back instead of a popup (see resume).
    redirect: false,
    // 'redirect': redirect mode when a popup cannot open or would not work here.
    fallback: '',
    // Where redirect mode comes back to: a path of this origin; default the current page.
    returnTo: '',
    postMessageWorkaroundFuncName: '',
    tryAuthTimeout: 5000,
    window: {
      // A size (not just 'dialog=true') keeps browsers from opening a full tab.
      features: 'dialog=true,width=600,height=700',
      closeCheckInterval: 200,
      // How long a popup that reads `closed` at the provider is still listened to before
      // WindowClosed (a popup cut off by Cross-Origin-Opener-Policy later than CUT after it
      // reached the provider also reads closed; its answer may follow at once).
      closeGrace: 2000
    },
    auth: { scope: [] },
    result: { fields: [] }
  };

  var isObject = (value) => value !== null && typeof value == 'object' && !Array.isArray(value);
  var isText = (value) => typeof value == 'string' && value !== '';
  var isDuration = (value) => typeof value == 'number' && value >= 0 && value < Infinity;

  // Options merged over defaults into a fresh object: the caller's object is never
  // mutated, and nested option groups (window, auth, result) merge key by key.
  // Spread copies the defaults as own properties; the caller's keys are assigned one by
  // one, except `__proto__` (an own key of parsed JSON, which would replace the merged
  // object's prototype and so hand it inherited options), `constructor` and `prototype`,
  // at every level (SECURITY.md item 39).
  function merge(base, over) {
    var out = { ...base };
    Object.keys(over || {}).forEach((key) => {
      var value = over[key];
      // undefined means "not given"; null cannot stand in for a whole option group.
      if (/^(__proto__|constructor|prototype)$/.test(key) || value === undefined ||
          (value === null && isObject(base[key]))) return;
      out[key] = isObject(base[key]) && isObject(value) ? merge(base[key], value) : value;
    });
    return out;
  }

  // `status` and `response` stay undefined where there are none.
  function coauthError(code, message, status, response) {
    return Object.assign(new Error(message), { code: code, status: status, response: response });
  }

  // An error answer of the coauth server: its { code, message } when it sent one.
  function answerError(response) {
    var data = response.data;
    var known = isObject(data) && isText(data.code);
    return coauthError(
      known ? data.code : 'ServerError',
      known && typeof data.message == 'string' ? data.message : 'The coauth server answered HTTP ' + response.status,
      response.status,
      response
    );
  }

  // POSTs JSON to the coauth server: see send.
  function postJson(url, body, extraHeaders, signal, seen) {
    var headers = new Headers(extraHeaders || {});
    headers.set('Content-Type', 'application/json');
    return send(url, {
      method: 'POST',
      credentials: 'include',
      headers: headers,
      body: JSON.stringify(body),
      signal: signal,
      seen: seen
    });
  }

  // Fetches from the coauth server and resolves with a response object
  // { status, headers, data, transport: 'http' } (data null when the body is empty or not
  // JSON, as a 204's); rejects with a coauth error. `init.seen`, if any, sees the answer
  // as soon as its head arrives.
  function send(url, init) {
    return fetch(url, init).then((res) => {
      if (init.seen) init.seen(res);
      return res.json().catch(() => null).then((data) => {
        var response = { status: res.status, headers: Object.fromEntries(res.headers), data: data, transport: 'http' };
        if (res.ok) return response;
        throw answerError(response);
      });
    }, (e) => {
      // Our own server could not be reached; not a provider problem.
      throw coauthError('NetworkError', (e && e.message) || 'The coauth server could not be reached');
    });
  }

  // The callback, or a Promise when there is none: [handle, done]. The handle is what the
  // API returns (the Promise, or a plain worker object). `done(err, value)` reports
  // asynchronously: an exception thrown by the app's callback surfaces as an uncaught error
  // instead of vanishing into a promise chain.
  function outcome(cb) {
    var resolve, reject;
    if (cb != null && typeof cb != 'function') throw new TypeError('coauth: the callback must be a function');
    var handle = cb ? {} : new Promise((yes, no) => { resolve = yes; reject = no; });
    return [handle, (err, value) => {
      queueMicrotask(() => {
        if (cb) err ? cb(err) : cb(null, value);
        else err ? reject(err) : resolve(value);
      });
    }];
  }

  // A hidden iframe on this page, loading `src` when given (else its blank document).
  function hiddenFrame(src) {
    var frame = d.createElement('iframe');
    frame.hidden = true;
    if (src) frame.src = src;
    return (d.body || d.documentElement).appendChild(frame);
  }

  // What customAuthResultRequest hands out (and the result resource's request is made of):
  // the sign-in's providerType, identity and result option (`from`: the options, or a
  // redirect-mode entry), its sealed flow, and the provider's answer with where it arrived
  // (the server checks that against the flow's redirect URI).
  function answerData(from, flow, redirectUri, response) {
    return {
      providerType: from.providerType,
      identity: from.identity,
      options: { result: from.result },
      flow: flow,
      redirectUri: redirectUri,
      response: response
    };
  }

  // A sign-in's last step, reported to `report`: for customAuthResultRequest the data
  // itself (`report(null, data, true)`: the app sends it), else the answer of the result
  // resource, marked with the sign-in's mode.
  function lastStep(base, data, custom, mode, signal, report) {
    if (custom) return report(null, data, true);
    postJson(base + '/result', resultRequest(data), null, signal).then((res) => {
      res.mode = mode;
      report(null, res);
    }, report);
  }

  // The result resource's request body, from the data customAuthResultRequest hands out.
  function resultRequest(data) {
    return {
      providerType: data.providerType,
      flow: data.flow,
      redirectUri: data.redirectUri,
      response: data.response,
      result: data.options && data.options.result
    };
  }

  // The mode a sign-in with options `o` runs in (before a blocked popup falls back).
  function modeOf(o, silent) {
    return silent || o.hidden === true ? 'silent' :
      o.redirect || (o.fallback === 'redirect' && popupsBroken()) ? 'redirect' : 'popup';
  }

  // The auth_url resource's request body.
  function authUrlBody(o, mode) {
    return {
      providerType: o.providerType,
      redirectUri: o.resultPageUrl,
      identity: o.identity,
      mode: mode,
      auth: o.auth
    };
  }

  // Starts a flow at {base}/auth_url: resolves with { url, flow }, or rejects with the
  // server's error, or a ServerError for an answer without a usable provider URL and flow.
  function requestFlow(base, body, signal) {
    return postJson(base + '/auth_url', body, null, signal).then((response) => {
      var data = response.data || {};
      var url;
      try {
        url = new URL(data.url);
      } catch (e) { /* handled below */ }
      // Never navigate to javascript: or similar, whatever the server says.
      // https only, but for a provider on this machine (loopback, as in development).
      if (!url || typeof data.flow != 'string' || !(url.protocol == 'https:' ||
          (url.protocol == 'http:' && /^(localhost|127(\.\d+){3}|\[::1\])$/.test(url.hostname)))) {
        throw coauthError('ServerError', 'auth_url answered no usable url (https, or http on loopback) and flow', response.status, response);
      }
      return { url: url, flow: data.flow };
    });
  }

  // Flows prepare() asked for, by base URL and auth_url request: { at, p (the request),
  // ready (its answer, once there) }.
  var prepared = {};
  // prepare()'s requests go one after another: a browser without the binding cookie yet
  // gets it with the first answer and sends it with the next requests (answers to
  // simultaneous first requests would each set another one, and only the last flow could
  // finish).
  var preparing = Promise.resolve();

  // postMessageWorkaroundFuncName: one function per name on the app's window, shared by
  // the flows that use the name, removed with the last of them.
  var hubs = {};
  // Flow id -> workaround function name, for the result page to look up (same origin).
  var workaroundNames = {};

  function hubAdd(name, handler) {
    var list = hubs[name];
    if (!list) {
      list = hubs[name] = [];
      w[name] = (message) => {
        list.slice().forEach((each) => { each(message); });
      };
    }
    list.push(handler);
  }

  function hubRemove(name, handler) {
    var list = hubs[name];
    if (!list) return;
    // An absent handler gives index -1, which >>> 0 turns into a no-op splice.
    list.splice(list.indexOf(handler) >>> 0, 1);
    if (!list.length) {
      delete hubs[name];
      delete w[name];
    }
  }

  // The flow id an answer names: OAuth 2.0's state, or OAuth 1.0a's request token, which an
  // approval returns as oauth_token and a denial as `denied` (Twitter's `denied=<token>`).
  function answerId(params) {
    return params.state || params.oauth_token || params.denied;
  }

  // The provider's answer on a result page at location `l`, as that page hands it over: the
  // redirect parameters (those the server embedded for a form_post POST, `posted`, which it
  // refuses when a field repeats; else the query's and the fragment's) and where the answer
  // arrived (the server checks it against the flow's redirect URI). A parameter given twice
  // (in the query, the fragment, both, or the form) is never settled by picking one: the
  // message says so and the app's page refuses the answer (SECURITY.md item 38). The first
  // value of each stays, to find the flow.
  function answerAt(l, posted) {
    var message = { type: RESULT, params: Object.create(null), redirectUri: l.origin + l.pathname };
    var pairs = isObject(posted) ? Object.entries(posted) : [];
    if (!pairs.length) {
      [l.search, l.hash].forEach((part) => {
        new URLSearchParams(part.slice(1)).forEach((value, name) => { pairs.push([name, value]); });
      });
    }
    pairs.forEach(([name, value]) => {
      if (name in message.params) message.repeated = true;
      else message.params[name] = value;
    });
    return message;
  }

  // A path of this origin (no scheme, no host, no `//` or `/\`): where redirect mode may go.
  function isReturnPath(path) {
    try {
      return /^\/(?![\/\\])/.test(path) && new URL(path, loc.origin).origin === loc.origin;
    } catch (e) {
      return false;
    }
  }

  // In-app browsers whose popups open as new pages or not at all (Facebook, Messenger,
  // Instagram, LINE, WeChat, TikTok, Telegram, Snapchat), by their user agent.
  function inAppBrowser(userAgent) {
    return /\b(FB(AN|AV|_IAB)|Instagram|Line\/|MicroMessenger|musical_ly|BytedanceWebview|TikTok|Telegram|Snapchat)/i
      .test(userAgent || '');
  }

  // Whether a popup would not work on this page: an in-app browser, or a web app started
  // from a phone's home screen (iOS's navigator.standalone, or standalone display mode on a
  // mobile browser; installed desktop web apps open popups as windows).
  function popupsBroken() {
    var nav = w.navigator;
    var ua = nav.userAgent;
    return inAppBrowser(ua) || nav.standalone === true ||
      (/Android|iPhone|iPad|iPod/.test(ua) && w.matchMedia('(display-mode: standalone)').matches);
  }

  // This tab's sessionStorage, or undefined where it cannot be used.
  function storage() {
    try {
      return w.sessionStorage;
    } catch (e) { /* blocked (storage access denied) */ }
  }

  // The redirect-mode flow stored under `key`, or null (and then removed) when it is
  // malformed, stale or unreadable: a flow, a same-origin return path, a live expiry.
  function readPending(store, key) {
    var entry;
    try {
      entry = JSON.parse(store.getItem(key));
    } catch (e) { /* malformed */ }
    if (isObject(entry) && isText(entry.flow) && isText(entry.providerType) &&
        isReturnPath(entry.returnTo) && entry.expires > Date.now()) {
      return entry;
    }
    store.removeItem(key);
    return null;
  }

  // The redirect-mode flow to go on with, as [key, entry]: flow `id`'s, or without an id the
  // first whose answer waits for resume(). The keys are read first (Storage.key order may
  // change once an entry goes); malformed and stale entries met on the way are removed.
  function findPending(store, id) {
    var found = null;
    Object.keys(store || {}).forEach((key) => {
      if (id ? key == PENDING + id : !key.indexOf(PENDING)) {
        var entry = readPending(store, key);
        if (entry && !found && (id || entry.response)) found = [key, entry];
      }
    });
    return found;
  }

  // One ValidationError naming every invalid option, or undefined.
  function invalidOptions(o, silent) {
    var win = o.window;
    var name = o.postMessageWorkaroundFuncName;
    try {
      o.resultOrigin = isText(o.resultPageUrl) && new URL(o.resultPageUrl, loc.href).origin;
    } catch (e) { /* reported below */ }
    // Each option, and whether it is valid.
    var valid = {
      providerType: isText(o.providerType),
      // The stub page is the popup's first page: redirect mode opens none.
      authPageUrl: silent || o.redirect === true || isText(o.authPageUrl),
      // Redirect mode hands the answer over in this origin's sessionStorage: the result page
      // must be on this origin.
      resultPageUrl: o.resultOrigin &&
        (!(o.redirect || o.fallback === 'redirect') || o.resultOrigin === loc.origin),
      // Silent sign-in never links an identity (SECURITY.md item 20).
      identity: !silent || o.identity == null,
      tryAuthTimeout: isDuration(o.tryAuthTimeout),
      window: isObject(win) && typeof win.features == 'string' &&
        win.closeCheckInterval > 0 && isDuration(win.closeCheckInterval) && isDuration(win.closeGrace),
      auth: isObject(o.auth),
      result: isObject(o.result),
      postMessageWorkaroundFuncName: name === '' ||
        (/^[A-Za-z_$][\w$]*$/.test(name) && (hubs[name] || !(name in w))),
      signal: o.signal == null || typeof o.signal.addEventListener == 'function',
      redirect: typeof o.redirect == 'boolean' && !(silent && o.redirect),
      fallback: o.fallback === '' || o.fallback === 'redirect',
      returnTo: o.returnTo === '' || isReturnPath(o.returnTo)
    };
    var bad = Object.keys(valid).filter((option) => !valid[option]);
    if (bad.length) return coauthError('ValidationError', 'coauth: invalid option(s): ' + bad.join(', '), 400);
  }

  // One sign-in: in a popup, or silently in a hidden iframe; or with `only`, its flow
  // asked for ahead of the click (prepare()).
  function start(base, userOptions, cb, silent, only) {
    var o = merge(DEFAULTS, userOptions);
    if (o.tryAuthTimeout === null) o.tryAuthTimeout = DEFAULTS.tryAuthTimeout;
    var [handle, done] = outcome(cb);
    var signal = o.signal;
    var mode = modeOf(o, silent);
    silent = mode == 'silent';
    var redirect = mode == 'redirect';
    var name = o.postMessageWorkaroundFuncName;
    // `got`: true once the answer is on its way to the result resource, 2 once the early
    // answer's waiting request carries the outcome. `early` aborts that request, `quick`
    // when the server's window for it is over.
    var popup, frame, flow, flowId, channel, poll, grace, timer, quick, settled, got, navigated, early;
    // The flow prepare() asked for with these options, used once: ready (the popup opens
    // straight on the provider), on its way (the popup waits on the stub page for it), or
    // too old to use.
    var body = authUrlBody(o, mode);
    var pick = base + JSON.stringify(body);
    var entry = prepared[pick];
    if (!only) delete prepared[pick];
    if (entry && Date.now() - entry.at > FRESH) entry = null;
    var ready = entry && entry.ready;
    // The popup's document as it was when sent to the provider (the stub page, or the
    // initial blank one of a popup opened on a prepared flow's URL), when the flow expires,
    // and where the popup was last seen: undefined on that document (or while the
    // provider's first page loads), 0 on another page of this origin, else the time it was
    // first seen on another origin (the provider's).
    var stub, expires, seen;

    // The window the provider's answer must come from.
    var source = () => frame ? frame.contentWindow : popup;

    var closed = (message) => coauthError('WindowClosed', message || 'The sign-in window was closed');

    // The popup's document, or undefined while it shows another origin's page.
    var page = () => {
      try {
        return popup.document;
      } catch (e) { /* another origin */ }
    };

    var closeWindow = () => {
      if (frame) frame.remove();
      frame = null;
      try {
        if (popup && !popup.closed) popup.close();
      } catch (e) { /* already gone */ }
    };

    // The app's way out, also where this page cannot see the popup any more (a provider's
    // COOP cut it off): a flow still waiting for the provider's answer ends with
    // WindowClosed; after it, only the window or frame goes.
    handle.closeWindow = () => {
      if (!got) settle(closed());
      closeWindow();
    };

    function stopTimers() {
      clearInterval(poll);
      clearTimeout(grace);
      clearTimeout(timer);
      clearTimeout(quick);
    }

    function settle(err, value, keepWindow) {
      if (settled) return;
      settled = true;
      stopTimers();
      w.removeEventListener('message', onMessage);
      if (signal) signal.removeEventListener('abort', onAbort);
      if (channel) channel.close();
      if (early) early.abort();
      if (name) hubRemove(name, onCall);
      delete workaroundNames[flowId];
      if (!keepWindow) closeWindow();
      done(err, value);
    }

    function onAbort() {
      settle(coauthError('Aborted', 'The sign-in was cancelled'));
    }

    // Whether `message` is the provider's answer for this flow.
    function isAnswer(message) {
      return !settled && !got && isObject(message) && message.type === RESULT &&
        isObject(message.params) && (!flowId || answerId(message.params) === flowId);
    }

    function proceed(message) {
      got = true;
      // From now on neither a closed popup nor the silent timeout cancels the sign-in.
      stopTimers();
      // A parameter the provider's redirect carried twice: no value is picked (the server
      // refuses the same in `response`; SECURITY.md item 38).
      if (message.repeated) {
        return settle(coauthError('InputError', 'The provider\'s answer repeats a parameter', 400));
      }
      lastStep(base, answerData(o, flow, message.redirectUri, message.params), o.customAuthResultRequest, mode, signal, settle);
    }

    // The early answer (SECURITY.md item 47), once, for the flow `auth_url` `started`: a
    // result request that waits at the server for the provider's redirect and finishes the
    // sign-in as it lands; any answer but 204 ("not here": the answer comes the usual way)
    // is the sign-in's outcome. On its head the window goes, before it shows the result
    // page, which would hold this page up while the answer's body is read.
    function waitEarly(started) {
      if (early || !started.url.searchParams.has('state') || o.customAuthResultRequest) return;
      early = new AbortController();
      postJson(base + '/result', {
        providerType: o.providerType,
        flow: started.flow,
        response: {},
        result: o.result,
        wait: true
      }, null, early.signal, (res) => {
        if (res.status != 204) {
          got = 2;
          stopTimers();
          closeWindow();
        }
      }).then((res) => {
        if (got === 2) {
          res.mode = mode;
          settle(null, res);
        }
      }, (e) => {
        if (got === 2) settle(e);
      });
      // The server hands answers over for a few seconds only.
      quick = setTimeout(() => early.abort(), QUICK);
    }

    // Only our own popup or frame, on the result page's origin, for this flow's id.
    // Anything else (other windows, other origins, other flows, late messages) is ignored
    // without a word.
    function onMessage(event) {
      if (event.origin === o.resultOrigin && event.source && event.source === source()) onCall(event.data);
    }

    // The answer, if it is one. Also the postMessageWorkaroundFuncName path: only same-origin
    // code can call it.
    function onCall(message) {
      if (isAnswer(message)) proceed(message);
    }

    var invalid = invalidOptions(o, silent);
    if (only) {
      // One request at a time, and one fresh flow for the same options.
      if (!invalid && !entry) {
        entry = prepared[pick] = { at: Date.now() };
        entry.p = preparing.then(() => requestFlow(base, body));
        // The next request waits for this one, whatever its outcome.
        preparing = entry.p.then((started) => {
          entry.ready = started;
        }, () => {
          if (prepared[pick] == entry) delete prepared[pick];
        });
      }
      if (invalid) done(invalid);
      else entry.p.then(() => done(null), done);
      return handle;
    }
    if (invalid) {
      settle(invalid);
      return handle;
    }
    if (signal) {
      if (signal.aborted) {
        onAbort();
        return handle;
      }
      signal.addEventListener('abort', onAbort);
    }

    if (silent) {
      if (o.tryAuthTimeout) {
        timer = setTimeout(() => {
          // The provider wants the user to act, cannot be framed, or its cookies are blocked.
          settle(coauthError('Timeout', 'Silent sign-in did not finish in ' + o.tryAuthTimeout + ' ms'));
        }, o.tryAuthTimeout);
      }
    } else if (!redirect) {
      // Synchronously, inside the user's click: popup blockers allow it. A prepared flow's
      // waiting request goes first, ahead of the provider's redirect.
      if (ready) waitEarly(ready);
      try {
        popup = w.open(ready ? ready.url.href : o.authPageUrl, '', o.window.features);
        // The popup's first document, this origin's until the provider's page replaces it.
        stub = ready && page();
      } catch (e) { /* blocked by a sandbox or a policy */ }
      if (!popup) {
        if (o.fallback === 'redirect') {
          redirect = true;
          mode = body.mode = 'redirect';
          // The prepared flow was a popup's.
          entry = ready = null;
        } else {
          settle(coauthError('PopupBlocked', 'The popup was blocked'));
          return handle;
        }
      }
    }
    if (popup) {
      poll = setInterval(() => {
        var now = Date.now();
        if (!popup.closed) {
          var doc = page();
          if (navigated && doc != stub) seen = doc ? 0 : seen || now;
          return;
        }
        clearInterval(poll);
        // On our own pages `closed` is the truth. At the provider it may only mean that the
        // provider page's Cross-Origin-Opener-Policy cut the popup off, which the browser
        // reports as a close the moment that page loads. A popup that reads closed before
        // or right after it reached the provider is taken as cut off: its answer can only
        // come on the BroadcastChannel, so listen until the flow expires (or the app
        // cancels: signal, closeWindow). Read closed later, it is listened to for closeGrace.
        var cut = navigated && seen !== 0 && !(now - seen > Math.max(CUT, 2 * o.window.closeCheckInterval));
        grace = setTimeout(() => {
          settle(closed(cut && 'The sign-in window was closed or expired'));
        }, cut ? expires - now : navigated ? o.window.closeGrace : 0);
      }, o.window.closeCheckInterval);
    }

    Promise.resolve(ready || (entry ? entry.p : requestFlow(base, body, signal))).then((started) => {
      if (settled) return;
      var url = started.url;
      flow = started.flow;
      // The flow id: OAuth 2.0's state, OAuth 1.0a's request token.
      var query = url.searchParams;
      flowId = query.get('state') || query.get('oauth_token');

      if (redirect) {
        // What resume() needs, in this tab's sessionStorage only (never localStorage, never
        // the URL); the result page finds it by the answer's state and comes back here.
        if (!flowId) throw coauthError('ServerError', 'The provider URL has no state or oauth_token');
        var store = storage();
        try {
          store.setItem(PENDING + flowId, JSON.stringify({
            flow: flow,
            providerType: o.providerType,
            identity: o.identity,
            result: o.result,
            custom: !!o.customAuthResultRequest,
            returnTo: o.returnTo || loc.pathname + loc.search + loc.hash,
            expires: Date.now() + LIFETIME
          }));
        } catch (e) {
          throw coauthError('ValidationError', 'Redirect mode needs sessionStorage', 400);
        }
        settled = true;
        loc.assign(url.href);
        return;
      }

      w.addEventListener('message', onMessage);
      if (name) {
        hubAdd(name, onCall);
        if (flowId) workaroundNames[flowId] = name;
      }
      if (popup && flowId && w.BroadcastChannel) {
        // Popups only (a frame keeps its parent), same origin by construction: where COOP cut
        // window.opener. Any page of this origin may post here, so a message counts only once
        // the popup reads closed: until then its own result page posts to this window.
        channel = new BroadcastChannel('coauth:' + flowId);
        channel.onmessage = (event) => {
          if (!popup.closed || !isAnswer(event.data)) return;
          channel.postMessage({ type: ACK });
          proceed(event.data);
        };
      }
      waitEarly(started);
      navigated = true;
      expires = (entry ? entry.at : Date.now()) + LIFETIME;
      if (silent) {
        frame = hiddenFrame(url.href);
      } else if (!ready) {
        // The popup still shows the same-origin stub page, so its location is ours to set.
        stub = page();
        popup.location.replace(url.href);
      }
    }).catch(settle);

    return handle;
  }

  function Auth(baseUrl) {
    if (!(this instanceof Auth)) return new Auth(baseUrl);
    this.baseUrl = String(baseUrl || '').replace(/\/+$/, '');
  }

  // Starts a popup sign-in; call it inside the user's click. `cb(err)` or
  // `cb(null, result)` is called exactly once, always asynchronously; without `cb`, a
  // Promise is returned. The returned worker has `closeWindow()`.
  Auth.prototype.auth = function (options, cb) {
    return start(this.baseUrl, options, cb, false);
  };

  // The same flow in a hidden iframe: the provider must answer without showing anything.
  Auth.prototype.tryAuth = function (options, cb) {
    return start(this.baseUrl, options, cb, true);
  };

  // Asks for the flow of a sign-in with these options ahead of the user's click, so that
  // auth() (or tryAuth()) with the same options opens the popup straight on the provider's
  // page instead of the stub page. Used by one sign-in, within FRESH of asking; asked once
  // while a fresh one waits. `cb(err)` or `cb(null)` once it is ready or failed; without
  // `cb`, a Promise.
  Auth.prototype.prepare = function (options, cb) {
    return start(this.baseUrl, options, cb, false, true);
  };

  // Finishes a redirect-mode sign-in on the page it came back to: `cb(err)` or
  // `cb(null, result)` once, with the same result and errors as a popup (the result has
  // `mode: 'redirect'`), or `cb(null, null)` when no answer is waiting (none started, the
  // user came back without one, or it was delivered already). Call it on page load.
  Auth.prototype.resume = function (cb) {
    var [handle, done] = outcome(cb);
    var store = storage();
    var found = findPending(store);
    var entry = found && found[1];
    handle.closeWindow = () => {};
    if (!entry) {
      done(null, null);
      return handle;
    }
    // Delivered once: the entry goes before anything is sent.
    store.removeItem(found[0]);
    if (entry.repeated || !isObject(entry.response)) {
      done(coauthError('InputError', 'The provider\'s answer repeats a parameter', 400));
      return handle;
    }
    var data = answerData(entry, entry.flow, entry.redirectUri, entry.response);
    data.mode = 'redirect';
    lastStep(this.baseUrl, data, entry.custom, data.mode, null, done);
    return handle;
  };

  // Sends the data of a customAuthResultRequest callback to {base}/result with fetch,
  // adding `extra.headers`.
  Auth.prototype.authResultHttpRequest = function (data, extra, cb) {
    if (typeof extra == 'function') {
      cb = extra;
      extra = null;
    }
    var [handle, done] = outcome(cb);
    postJson(this.baseUrl + '/result', resultRequest(data || {}), extra && extra.headers)
      .then((res) => { done(null, res); }, done);
    return handle;
  };

  // Sends the same data by posting a form into a hidden iframe; {base}/result_frame answers
  // with a page that posts the result back. `extra.fields` become extra form fields.
  Auth.prototype.authResultFrameRequest = function (data, extra, cb) {
    if (typeof extra == 'function') {
      cb = extra;
      extra = null;
    }
    var [handle, done] = outcome(cb);
    // 128 random bits, as four numbers joined by '-'.
    var id = crypto.getRandomValues(new Uint32Array(4)).join('-');
    var action = new URL(this.baseUrl + '/result_frame', loc.href);
    var fields = { ...(extra && extra.fields), request: JSON.stringify(resultRequest(data || {})), id: id };
    var frame, timer, finished;

    function finish(err, value) {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      w.removeEventListener('message', onMessage);
      frame.removeEventListener('load', onLoad);
      frame.remove();
      done(err, value);
    }

    function onMessage(event) {
      var m = event.data;
      if (event.source !== frame.contentWindow || event.origin !== action.origin || !isObject(m) ||
          m.type !== FRAME_RESULT || m.id !== id) {
        return;
      }
      var response = { status: m.status, data: m.data, transport: 'frame' };
      finish(m.status >= 200 && m.status < 300 ? null : answerError(response), response);
    }

    // A page without our answer (a proxy's error page, a body-limit answer) loaded: the
    // answer page posts before its load event, so a short wait is enough.
    function onLoad() {
      try {
        if (frame.contentWindow.location.href === 'about:blank') return;
      } catch (e) { /* a foreign error page */ }
      timer = setTimeout(() => {
        finish(coauthError('ServerError', 'The result frame carried no result'));
      }, 100);
    }

    frame = hiddenFrame();
    w.addEventListener('message', onMessage);
    frame.addEventListener('load', onLoad);
    // The form is posted from inside the frame's own about:blank document, whose referrer
    // policy is set to same-origin: the server must see the page's Origin, which a page
    // with `Referrer-Policy: no-referrer` would otherwise send as "null" on a form POST.
    var doc = frame.contentDocument;
    var form = doc.createElement('form');
    var meta = doc.createElement('meta');
    meta.name = 'referrer';
    meta.content = 'same-origin';
    doc.head.appendChild(meta);
    form.method = 'post';
    form.action = action.href;
    Object.keys(fields).forEach((field) => {
      var input = doc.createElement('input');
      input.type = 'hidden';
      input.name = field;
      input.value = fields[field];
      form.appendChild(input);
    });
    doc.body.appendChild(form);
    form.submit();
    return handle;
  };

  // The signed-in user of coauth's sessions: `cb(null, session)` with the JSON of
  // {base}/session, `cb(null, null)` when signed out (its 401), or `cb(err)`. The session
  // cookie is HttpOnly: only the server reads it, so the page asks.
  Auth.prototype.session = function (cb) {
    var [handle, done] = outcome(cb);
    send(this.baseUrl + '/session', { credentials: 'same-origin', cache: 'no-store' }).then((res) => {
      done(isObject(res.data) ? null : answerError(res), res.data);
    }, (err) => {
      err.status == 401 ? done(null, null) : done(err);
    });
    return handle;
  };

  // Ends the session: POST {base}/sign_out, which clears the cookie (204); `cb(null)` or `cb(err)`.
  Auth.prototype.signOut = function (cb) {
    var [handle, done] = outcome(cb);
    postJson(this.baseUrl + '/sign_out', {}).then(() => { done(null); }, done);
    return handle;
  };

  var api = { Auth: Auth };
  // For the result page in the popup (same origin): which workaround function, if any,
  // the flow with this id registered. Not part of the documented API.
  // The in-app browser check of the fallback is there for tests; not documented either.
  Object.defineProperties(api, {
    workaroundName: { value: (id) => workaroundNames[id] },
    inAppBrowser: { value: inAppBrowser }
  });
  if (w) {
    // Loaded a second time (a classic <script> and coauth.mjs on one page): keep the first
    // API, whose flows the result page looks up through `opener.coauth`. Checked by shape,
    // as an element with id="coauth" is also `window.coauth`.
    var first = w.coauth;
    if (first && typeof first.Auth == 'function' && typeof first.workaroundName == 'function') api = first;
    else w.coauth = api;
  }
  if (cjs) cjs.exports = api;

  // ---- Page roles -------------------------------------------------------------------

  var script = d && d.currentScript;
  var role = script && script.dataset.coauthPage;

  // The inert JSON the server embedded in the page, or undefined.
  function embedded(id) {
    try {
      return JSON.parse(d.getElementById(id).textContent);
    } catch (e) { /* none, or not JSON */ }
  }

  // Hands the message over; true when some window took it.
  function deliver(message) {
    var origin = loc.origin;
    var id = answerId(message.params);
    var opener = null;
    try {
      opener = w.opener && !w.opener.closed ? w.opener : null;
    } catch (e) { /* severed */ }
    // The target origin is always this page's own origin, never the wildcard and never
    // anything read from the URL: a result page opened by a foreign site delivers nothing.
    if (opener) {
      try {
        opener.postMessage(message, origin);
        return true;
      } catch (e) { /* postMessage unavailable */ }
      try {
        // Reading the opener's location throws unless it is on this origin.
        var fn = opener.location.origin === origin &&
          ((script && script.dataset.coauthWorkaround) || opener.coauth.workaroundName(id));
        if (typeof opener[fn] == 'function') {
          opener[fn](message);
          return true;
        }
      } catch (e) { /* another origin, or no coauth there */ }
    } else if (w.parent !== w) {
      w.parent.postMessage(message, origin);
      return true;
    }
    if (id && w.BroadcastChannel) {
      // COOP cut the opener: the app's window listens on the flow's channel and
      // acknowledges, and this window, which the opener can no longer close, closes itself.
      var channel = new BroadcastChannel('coauth:' + id);
      channel.onmessage = (event) => {
        if (isObject(event.data) && event.data.type === ACK) {
          channel.close();
          w.close();
        }
      };
      channel.postMessage(message);
    } else if (!id) {
      // No answer here and no opener: the page a waiting result request's server sent the
      // window on to (the early answer), in a popup COOP cut off, whose sign-in is over.
      // A window this page may not close (a tab) stays.
      w.close();
    }
    return false;
  }

  function runResultPage() {
    // Before the address changes.
    var message = answerAt(loc, embedded('coauth-params'));
    // Get the code out of the address bar, history and later Referers at once.
    try {
      history.replaceState(null, '', loc.pathname);
    } catch (e) { /* sandboxed or opaque origin */ }
    // Redirect mode, known only from this tab's own sessionStorage for this answer's flow id
    // (nothing in the URL can make it so): keep the answer for resume() and go back. This
    // page without an answer (reloaded before the app's page came back) goes back too when
    // an answer waits in this tab.
    var store = storage();
    var found = findPending(store, answerId(message.params));
    if (found) {
      var entry = found[1];
      if (!entry.response) {
        entry.response = message.params;
        entry.redirectUri = message.redirectUri;
        entry.repeated = !!message.repeated;
        store.setItem(found[0], JSON.stringify(entry));
      }
      loc.replace(entry.returnTo);
      return;
    }
    // The window is left open on success: the opener closes it once it has the result
    // (closing it here would race the opener's closed-poll and read as a cancellation).
    if (!deliver(message)) {
      var status = d.getElementById('coauth-status') || d.body.appendChild(d.createElement('p'));
      status.textContent = 'Sign-in finished. You can close this window.';
    }
  }

  // The answer of {base}/result_frame: { id, status, data } to the parent, same origin.
  function runFrameResultPage() {
    var answer = embedded('coauth-result');
    if (isObject(answer) && w.parent !== w) {
      w.parent.postMessage({ type: FRAME_RESULT, id: answer.id, status: answer.status, data: answer.data }, loc.origin);
    }
  }

  var run = role == 'result' ? runResultPage : role == 'frame-result' ? runFrameResultPage : null;
  if (run) {
    // If the script sits before the data element, wait until the page is parsed.
    if (d.readyState == 'loading') d.addEventListener('DOMContentLoaded', run);
    else run();
  }
  // role === 'auth': the stub page only needs the script present for now.
})(
  typeof window == 'object' ? window : null,
  typeof document == 'object' ? document : null,
  // UMD-style: CommonJS (Node, bundlers) gets the API as module.exports; a classic script
  // or an ES module import has no `module`.
  typeof module == 'object' && module && typeof module.exports == 'object' ? module : null
);
