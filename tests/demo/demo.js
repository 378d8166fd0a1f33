// The coauth demo page: one button per configured provider (rendered by the server), a
// result card, an error card and a log of the sign-in's steps. The provider buttons sign in
// in a popup and fall back to redirect mode where no popup can open (`fallback: 'redirect'`);
// "Sign in without a popup" uses redirect mode outright (`redirect: true`); on every load the
// page calls `auth.resume()`, which finishes a redirect-mode sign-in that came back here.
// The demo runs with coauth's sessions on: on load and after every sign-in the page asks
// `auth.session()` who is signed in (#session-status), and #sign-out calls `auth.signOut()`.
// Everything shown goes in with textContent; the page runs under the demo's CSP
// (script-src 'self', style-src 'self') and Trusted Types. The window.__coauth* values are
// read by the browser tests (tests/browser/), as are the ids status, user-name, user-email,
// user-mode, error-code, error-message, session-status, sign-out.
(function () {
  'use strict';

  var $ = function (id) { return document.getElementById(id); };
  var auth = new coauth.Auth('/coauth');

  window.__coauthCallbacks = 0;
  window.__coauthLastError = null;
  window.__coauthLastResult = null;
  // result.mode of the last sign-in that succeeded: 'popup', 'redirect' or 'silent'.
  window.__coauthLastMode = null;
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', function (e) {
    window.__cspViolations.push({ directive: e.violatedDirective, blockedURI: e.blockedURI });
  });

  // ---- The step log ---------------------------------------------------------------------

  // Steps are timed with Date.now(), which, unlike performance.now(), keeps counting across
  // the page load of redirect mode; the log is also kept as data so it can survive that load.
  var startedAt = Date.now();
  var log = [];
  // The mode the current sign-in asked for ('popup', 'redirect' or 'silent'), the mode the
  // client chose (what it sends to auth_url: 'redirect' when a popup could not open), and
  // whether the page is leaving for the provider in redirect mode.
  var asked = null;
  var used = null;
  var leaving = false;

  function show(entry) {
    var item = document.createElement('li');
    var time = document.createElement('span');
    time.className = 'time';
    time.textContent = '+' + entry.at + ' ms';
    var what = document.createElement('span');
    what.className = 'what';
    what.textContent = entry.text;
    item.appendChild(time);
    item.appendChild(what);
    if (entry.detail) {
      var more = document.createElement('code');
      more.className = 'detail';
      more.textContent = entry.detail;
      item.appendChild(more);
    }
    $('steps').appendChild(item);
    $('steps-count').textContent = String($('steps').children.length);
    $('steps-panel').hidden = false;
  }

  function step(text, detail) {
    var entry = { at: Math.max(0, Date.now() - startedAt), text: String(text), detail: detail ? String(detail) : '' };
    log.push(entry);
    show(entry);
  }

  function clearSteps() {
    startedAt = Date.now();
    log = [];
    $('steps').replaceChildren();
    $('steps-count').textContent = '';
  }

  // Redirect mode reloads this page, and an app's state must survive that on its own: the
  // demo keeps its step log in this tab's sessionStorage while the page is at the provider.
  var SAVED_LOG = 'coauth-demo:steps';

  window.addEventListener('pagehide', function () {
    if (!leaving) return;
    try {
      sessionStorage.setItem(SAVED_LOG, JSON.stringify({ startedAt: startedAt, log: log }));
    } catch (e) { /* no storage: the log starts afresh on return */ }
  });

  // The saved log, shown again (and removed from storage); false when there is none.
  function restoreSteps() {
    var saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(SAVED_LOG));
      sessionStorage.removeItem(SAVED_LOG);
    } catch (e) { /* none, or unreadable */ }
    if (!saved || typeof saved.startedAt != 'number' || !Array.isArray(saved.log)) return false;
    clearSteps();
    startedAt = saved.startedAt;
    saved.log.forEach(function (entry) {
      if (entry && typeof entry.text == 'string') {
        var kept = { at: Number(entry.at) || 0, text: entry.text, detail: typeof entry.detail == 'string' ? entry.detail : '' };
        log.push(kept);
        show(kept);
      }
    });
    return true;
  }

  // The mode a request to auth_url asks for, from the JSON body coauth.js sends.
  function modeOf(init) {
    try {
      return JSON.parse(init.body).mode;
    } catch (e) {
      return null;
    }
  }

  // The client's requests to the coauth server are plain fetch calls: a wrapper logs them
  // as they go, without changing what the client sends or receives. coauth.js has no event
  // hooks of its own, and needs none for this.
  var nativeFetch = window.fetch;
  window.fetch = function (input, init) {
    var url = new URL(input instanceof Request ? input.url : String(input), location.href);
    var isAuthUrl = /\/coauth\/auth_url$/.test(url.pathname);
    var isResult = /\/coauth\/result$/.test(url.pathname);
    if (isAuthUrl) {
      // auth() calls fetch synchronously, once it has opened the popup or decided it cannot.
      used = modeOf(init);
      if (used === 'silent') {
        step('Starting a hidden frame (prompt=none)');
      } else if (used === 'popup') {
        step('The popup opened on the stub page', '/coauth/auth_page');
      } else if (used === 'redirect') {
        step(asked === 'redirect' ? 'Redirect mode: this page goes to the provider and comes back'
          : 'No popup here (blocked, or an in-app browser): falling back to redirect mode');
        setStatus('Going to the provider…', 'busy');
      }
      step('Asking the server for the provider URL', 'POST ' + url.pathname + ' (mode: ' + used + ')');
    }
    if (isResult) step('Back from the provider: asking the server for the result', 'POST ' + url.pathname);
    return nativeFetch.apply(this, arguments).then(function (response) {
      if (isAuthUrl && response.ok) {
        leaving = used === 'redirect';
        // A copy of the answer, so the client still reads the original.
        response.clone().json().then(function (data) {
          var provider = data && typeof data.url == 'string' ? new URL(data.url) : null;
          if (provider) {
            step(used === 'silent' ? 'At the provider, in the hidden frame'
              : used === 'redirect' ? 'Leaving this page for the provider; resume() finishes when it comes back'
                : 'At the provider: waiting for you in the popup',
            provider.host + provider.pathname);
          }
        }, function () { /* not JSON: the client reports it */ });
      } else if (!response.ok && (isAuthUrl || isResult)) {
        step('The server answered HTTP ' + response.status, url.pathname);
      }
      return response;
    }, function (e) {
      if (isAuthUrl || isResult) step('The server could not be reached', url.pathname);
      throw e;
    });
  };

  // ---- The app's session ----------------------------------------------------------------

  // The session cookie is HttpOnly: the page cannot read it, and asks the server instead.
  // Only the latest question's answer is shown (a sign-in may end while the page's first
  // question is still out).
  var sessionAsked = 0;

  function refreshSession() {
    var mine = ++sessionAsked;
    auth.session(function (err, session) {
      if (mine !== sessionAsked) return;
      var user = session && session.user;
      $('session-status').textContent = err ? 'Could not ask who is signed in: ' + err.code
        : session ? 'Signed in as ' + (user.name || user.id) + ' (' + session.providerType + ')' : 'Signed out';
      $('session-status').parentNode.className = 'session' + (session ? ' in' : '');
      $('sign-out').hidden = !session;
    });
  }

  $('sign-out').addEventListener('click', function () {
    $('sign-out').disabled = true;
    auth.signOut(function (err) {
      $('sign-out').disabled = false;
      clearSteps();
      if (err) {
        step('Sign-out failed: ' + err.code, err.message);
        showError(err);
      } else {
        step('Signed out', 'POST /coauth/sign_out');
        resetCards();
        setStatus('Not signed in');
      }
      refreshSession();
    });
  });

  // ---- The outcome ----------------------------------------------------------------------

  function setStatus(text, tone) {
    $('status').textContent = text;
    $('status').parentNode.className = 'status ' + (tone || '');
  }

  function resetCards() {
    ['user-name', 'user-email', 'user-provider', 'user-id', 'user-mode', 'user-initials', 'error-code', 'error-status',
      'error-message']
      .forEach(function (id) { $(id).textContent = ''; });
    $('result-card').hidden = true;
    $('error-card').hidden = true;
    $('user-email-verified').hidden = true;
    $('user-avatar').hidden = true;
    $('user-avatar').removeAttribute('src');
    $('user-initials').hidden = false;
  }

  function initials(text) {
    return String(text || '?').trim().split(/\s+/).slice(0, 2).map(function (word) {
      return word.charAt(0).toUpperCase();
    }).join('');
  }

  // How each mode reads in the result card.
  var MODES = {
    popup: 'Popup',
    redirect: 'Redirect (the page went to the provider and back)',
    silent: 'Silent (hidden frame)'
  };

  function showUser(providerType, label, user, mode) {
    // Exactly what the provider shared (the tests read these); demo.css shows a placeholder
    // for an empty name.
    $('user-name').textContent = user.name || '';
    $('user-email').textContent = user.email || '';
    $('user-email-verified').hidden = !(user.email && user.emailVerified === true);
    $('user-provider').textContent = label ? label + ' (' + providerType + ')' : providerType;
    $('user-id').textContent = user.id || '';
    $('user-mode').textContent = MODES[mode] || String(mode || '');
    $('user-initials').textContent = initials(user.name || user.username || user.email);
    // Only https avatars (the CSP's img-src); the initials stay if the image fails.
    if (typeof user.avatarUrl == 'string' && /^https:\/\//.test(user.avatarUrl)) {
      $('user-avatar').src = user.avatarUrl;
    }
    $('result-card').hidden = false;
  }

  // The photo replaces the initials once it has loaded.
  $('user-avatar').addEventListener('load', function () {
    $('user-avatar').hidden = false;
    $('user-initials').hidden = true;
  });
  $('user-avatar').addEventListener('error', function () {
    $('user-avatar').hidden = true;
    $('user-initials').hidden = false;
  });

  function showError(err) {
    $('error-code').textContent = err.code || 'Error';
    $('error-status').textContent = err.status ? 'HTTP ' + err.status : '';
    $('error-message').textContent = err.message || '';
    $('error-card').hidden = false;
  }

  // Cancels the sign-in in progress: the popup's close is not always visible to the page
  // (a provider page with Cross-Origin-Opener-Policy), so the user gets a way out.
  var cancel = null;
  $('cancel').addEventListener('click', function () {
    if (cancel) cancel.abort();
  });

  function stopCancel(mine) {
    if (!mine || cancel === mine) {
      cancel = null;
      $('cancel').hidden = true;
    }
  }

  // The display name on a provider's button, or null.
  function labelOf(providerType) {
    var found = null;
    Array.prototype.forEach.call(document.querySelectorAll('button[data-provider]'), function (button) {
      var label = button.querySelector('.label');
      if (button.getAttribute('data-provider') === providerType && label) found = label.textContent;
    });
    return found;
  }

  // The outcome of a sign-in, from auth(), tryAuth() or resume(), in the cards and the log.
  function report(err, result, providerType) {
    window.__coauthCallbacks += 1;
    if (err) {
      window.__coauthLastError = { code: err.code, status: err.status, message: err.message };
      step('Failed: ' + err.code, err.message);
      // The user-name, user-email… fields stay empty on failure (the tests read them).
      showError(err);
      setStatus('Sign-in failed', 'failed');
      return;
    }
    var data = result.data || {};
    var user = data.user || {};
    window.__coauthLastResult = data;
    window.__coauthLastMode = result.mode;
    step('Signed in (' + result.mode + ' mode)', user.name || user.id);
    var type = data.providerType || providerType;
    showUser(type, labelOf(type), user, result.mode);
    setStatus('Signed in', 'ok');
    // The sign-in also started the app's session: show it as the server has it.
    refreshSession();
  }

  // `how`: 'popup' (falling back to redirect mode where no popup can open), 'redirect' or
  // 'silent'. `resultPage`: the result page the provider redirects to, under /coauth
  // (`result_page`, or `result_page_{name}` for a provider with a redirect URI of its own).
  function signIn(providerType, how, resultPage) {
    if (cancel) cancel.abort();
    cancel = new AbortController();
    var mine = cancel;
    $('cancel').hidden = false;
    resetCards();
    clearSteps();
    asked = how;
    used = null;
    leaving = false;
    var options = {
      providerType: providerType,
      authPageUrl: '/coauth/auth_page',
      resultPageUrl: location.origin + '/coauth/' + (resultPage || 'result_page'),
      auth: { scope: [] },
      signal: mine.signal
    };
    if (how === 'redirect') options.redirect = true;
    if (how === 'popup') options.fallback = 'redirect';
    setStatus(how === 'silent' ? 'Trying silent sign-in…' : how === 'redirect' ? 'Going to the provider…' : 'Waiting for the popup…',
      'busy');
    step('Starting the sign-in', (how === 'silent' ? 'tryAuth' : 'auth') + '({ providerType: \'' + providerType + '\'' +
      (options.redirect ? ', redirect: true' : options.fallback ? ', fallback: \'redirect\'' : '') + ', … })');
    // Called straight from the click handler: the popup must open inside the user gesture.
    auth[how === 'silent' ? 'tryAuth' : 'auth'](options, function (err, result) {
      stopCancel(mine);
      leaving = false;
      report(err, result, providerType);
    });
  }

  // Finishes a redirect-mode sign-in that came back to this page; nothing when none did.
  function resumeSignIn() {
    stopCancel(null);
    leaving = false;
    var hadLog = restoreSteps();
    if (hadLog) {
      step('Back on this page: resume() looks for the answer');
      setStatus('Finishing the sign-in…', 'busy');
    }
    auth.resume(function (err, result) {
      if (err || result) {
        report(err, result, null);
      } else if (hadLog) {
        // Back from the provider without an answer (the Back button), or already delivered.
        step('No answer waiting: nothing to finish', 'resume() delivered null');
        setStatus('Not signed in');
      }
    });
  }

  $('silent-demo').addEventListener('click', function () { signIn('demo', 'silent'); });
  $('redirect-demo').addEventListener('click', function () { signIn('demo', 'redirect'); });
  // One button per configured provider, rendered by the server: data-provider is the
  // provider's name on the server, data-result-page its result page, .label its display name.
  Array.prototype.forEach.call(document.querySelectorAll('button[data-provider]'), function (button) {
    button.addEventListener('click', function () {
      signIn(button.getAttribute('data-provider'), 'popup', button.getAttribute('data-result-page'));
    });
  });

  // On every load, and when the browser shows this page again from its back-forward cache
  // (the user pressed Back at the provider): a redirect-mode answer may be waiting, and
  // someone may be signed in already.
  refreshSession();
  resumeSignIn();
  window.addEventListener('pageshow', function (event) {
    if (event.persisted) {
      refreshSession();
      resumeSignIn();
    }
  });
})();
