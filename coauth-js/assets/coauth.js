/*! coauth.js — popup social sign-in client. No dependencies, no build step.
 *
 * One script, three roles:
 *  - on the app's page: the global `coauth` with `new coauth.Auth(base).auth(options, cb)`;
 *  - loaded with data-coauth-page="result": hands the provider's redirect parameters to
 *    the window that opened the popup (postMessage to this page's own origin only);
 *  - loaded with data-coauth-page="auth": the stub shown while the popup loads the provider.
 *
 * Written for a strict CSP (script-src 'self', Trusted Types): no eval, no string timers,
 * no inline handlers, no HTML-string sinks (text goes in with textContent).
 */
(function () {
  'use strict';

  var MESSAGE_TYPE = 'coauth:result';

  var DEFAULTS = {
    providerType: '',
    identity: null,
    hidden: false,
    authPageUrl: '',
    resultPageUrl: '',
    customAuthResultRequest: false,
    window: {
      // SEED's default is 'dialog=true'; a size keeps browsers from opening a full tab.
      features: 'dialog=true,width=600,height=700',
      closeCheckInterval: 200
    },
    auth: { scope: [] },
    result: { fields: [] }
  };

  function isPlainObject(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  }

  // Options merged over defaults into a fresh object: the caller's object is never
  // mutated, and nested option groups (window, auth, result) merge key by key.
  // Spread defines properties, so a '__proto__' key cannot reach a prototype.
  function merge(base, over) {
    var out = { ...base };
    Object.keys(over || {}).forEach(function (key) {
      var value = over[key];
      // undefined means "not given"; null cannot stand in for a whole option group.
      if (value === undefined || (value === null && isPlainObject(base[key]))) return;
      out[key] = isPlainObject(base[key]) && isPlainObject(value) ? merge(base[key], value) : value;
    });
    return out;
  }

  function coauthError(code, message, status, response) {
    var err = new Error(message);
    err.code = code;
    if (status !== undefined) err.status = status;
    if (response !== undefined) err.response = response;
    return err;
  }

  // POSTs JSON to the coauth server and resolves with a response object
  // { status, headers, data, transport }; rejects with a coauth error.
  function postJson(url, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'include',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body)
    }).then(function (res) {
      var headers = {};
      res.headers.forEach(function (value, name) { headers[name] = value; });
      return res.json().catch(function () { return null; }).then(function (data) {
        var response = { status: res.status, headers: headers, data: data, transport: 'http' };
        if (res.ok) return response;
        // Error bodies are { code, message }; anything else (a proxy's HTML page, a
        // body-limit answer) still fails with the status kept.
        var known = isPlainObject(data) && typeof data.code === 'string';
        throw coauthError(
          known ? data.code : 'ServerError',
          known && typeof data.message === 'string' ? data.message : 'The coauth server answered HTTP ' + res.status,
          res.status,
          response
        );
      });
    }, function (e) {
      // Our own server could not be reached; not a provider problem.
      throw coauthError('NetworkError', (e && e.message) || 'The coauth server could not be reached');
    });
  }

  function Auth(baseUrl) {
    if (!(this instanceof Auth)) return new Auth(baseUrl);
    this.baseUrl = String(baseUrl || '').replace(/\/+$/, '');
  }

  // Starts a popup sign-in. Must be called inside the user's click: the popup is opened
  // synchronously so popup blockers allow it. `cb(err)` or `cb(null, result)` is called
  // exactly once, always asynchronously.
  Auth.prototype.auth = function (userOptions, cb) {
    if (typeof cb !== 'function') throw new TypeError('coauth: auth() needs a callback');
    var base = this.baseUrl;
    var options = merge(DEFAULTS, userOptions);
    var popup = null;
    var pollTimer = 0;
    var onMessage = null;
    var settled = false;

    function closePopup() {
      try {
        if (popup && !popup.closed) popup.close();
      } catch (e) { /* already gone */ }
    }

    function stopWaiting() {
      clearInterval(pollTimer);
      if (onMessage) window.removeEventListener('message', onMessage);
      onMessage = null;
    }

    function settle(err, result) {
      if (settled) return;
      settled = true;
      stopWaiting();
      closePopup();
      // Queued, so an exception thrown by the app's callback surfaces as an uncaught
      // error instead of vanishing into our promise chain.
      queueMicrotask(function () {
        if (err) cb(err); else cb(null, result);
      });
    }

    var worker = { closeWindow: closePopup };

    var missing = ['providerType', 'authPageUrl', 'resultPageUrl'].filter(function (name) {
      return typeof options[name] !== 'string' || options[name] === '';
    });
    var resultOrigin = null;
    if (!missing.length) {
      try {
        resultOrigin = new URL(options.resultPageUrl, location.href).origin;
      } catch (e) {
        missing.push('resultPageUrl');
      }
    }
    if (missing.length) {
      settle(coauthError('ValidationError', 'coauth: invalid or missing option(s): ' + missing.join(', '), 400));
      return worker;
    }

    popup = window.open(options.authPageUrl, '', options.window.features);
    if (!popup) {
      settle(coauthError('PopupBlocked', 'The sign-in popup was blocked by the browser'));
      return worker;
    }

    // The user may close the popup at any time before the provider answers.
    pollTimer = setInterval(function () {
      if (popup.closed) settle(coauthError('WindowClosed', 'The sign-in window was closed'));
    }, options.window.closeCheckInterval);

    postJson(base + '/auth_url', {
      providerType: options.providerType,
      redirectUri: options.resultPageUrl,
      identity: options.identity,
      mode: 'popup',
      auth: options.auth
    }).then(function (started) {
      if (settled) return;
      var data = started.data || {};
      var url = null;
      try {
        url = new URL(data.url);
      } catch (e) { /* handled below */ }
      // Never navigate the popup to javascript: or similar, whatever the server says.
      if (!url || !/^https?:$/.test(url.protocol) || typeof data.flow !== 'string') {
        throw coauthError('ServerError', 'The coauth server answered auth_url without a usable url and flow', started.status, started);
      }
      var state = url.searchParams.get('state');

      onMessage = function (event) {
        var msg = event.data;
        // Only our own popup, on the result page's origin, speaking our message type,
        // for this flow's state. Anything else (other windows, other flows, late
        // messages) is ignored without a word.
        if (settled || event.origin !== resultOrigin || event.source !== popup ||
            !isPlainObject(msg) || msg.type !== MESSAGE_TYPE || !isPlainObject(msg.params) ||
            (state !== null && msg.params.state !== state)) {
          return;
        }
        // Got the answer: from now on a closed popup is not a cancellation.
        stopWaiting();
        postJson(base + '/result', {
          providerType: options.providerType,
          flow: data.flow,
          response: msg.params,
          result: options.result
        }).then(function (result) { settle(null, result); }, settle);
      };
      window.addEventListener('message', onMessage);
      // The popup still shows the same-origin stub page, so its location is ours to set.
      popup.location.replace(url.href);
    }).catch(settle);

    return worker;
  };

  window.coauth = { Auth: Auth };

  // ---- Page roles -------------------------------------------------------------------

  var script = document.currentScript;
  var role = script && script.dataset && script.dataset.coauthPage;

  // The redirect parameters: the JSON the server embedded for form_post POSTs, else the
  // query and the fragment (fragment wins on duplicate keys: response modes differ).
  function readRedirectParams() {
    var embedded = document.getElementById('coauth-params');
    if (embedded) {
      try {
        var parsed = JSON.parse(embedded.textContent);
        if (isPlainObject(parsed) && Object.keys(parsed).length) return parsed;
      } catch (e) { /* empty for GET redirects */ }
    }
    var params = {};
    [location.search, location.hash].forEach(function (part) {
      new URLSearchParams(part.slice(1)).forEach(function (value, key) { params[key] = value; });
    });
    return params;
  }

  function runResultPage() {
    var params = readRedirectParams();
    // Get the code out of the address bar, history and later Referers at once.
    try {
      history.replaceState(null, '', location.pathname);
    } catch (e) { /* sandboxed or opaque origin */ }

    var message = { type: MESSAGE_TYPE, params: params };
    // The target origin is always this page's own origin, never the wildcard and never anything
    // read from the URL: a result page opened by a foreign site delivers nothing.
    // The window is left open: the opener closes it once it has the result (closing
    // it here would race the opener's closed-poll and read as a cancellation).
    var opener = null;
    try {
      opener = window.opener && !window.opener.closed ? window.opener : null;
    } catch (e) { /* severed */ }
    if (opener) {
      opener.postMessage(message, location.origin);
    } else if (window.parent !== window) {
      window.parent.postMessage(message, location.origin);
    } else {
      var status = document.getElementById('coauth-status');
      if (!status) status = document.body.appendChild(document.createElement('p'));
      status.textContent = 'Sign-in finished. You can close this window.';
    }
  }

  if (role === 'result') {
    // If the script sits before the params element, wait until the page is parsed.
    if (document.readyState === 'loading' && !document.getElementById('coauth-params')) {
      document.addEventListener('DOMContentLoaded', runResultPage);
    } else {
      runResultPage();
    }
  }
  // role === 'auth': the stub page only needs the script present for now.
})();
