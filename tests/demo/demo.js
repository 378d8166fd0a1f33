// The coauth demo page: one button per configured provider (rendered by the server), a
// result card, an error card and a log of the sign-in's steps. Everything shown goes in
// with textContent; the page runs under the demo's CSP (script-src 'self', style-src 'self')
// and Trusted Types. The window.__coauth* values are read by the browser tests
// (tests/browser/), as are the ids status, user-name, user-email, error-code, error-message.
(function () {
  'use strict';

  var $ = function (id) { return document.getElementById(id); };
  var auth = new coauth.Auth('/coauth');

  window.__coauthCallbacks = 0;
  window.__coauthLastError = null;
  window.__coauthLastResult = null;
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', function (e) {
    window.__cspViolations.push({ directive: e.violatedDirective, blockedURI: e.blockedURI });
  });

  // ---- The step log ---------------------------------------------------------------------

  var startedAt = 0;
  // Whether the current sign-in runs in the hidden frame (tryAuth) rather than the popup.
  var silentNow = false;

  function step(text, detail) {
    var item = document.createElement('li');
    var time = document.createElement('span');
    time.className = 'time';
    time.textContent = '+' + Math.round(performance.now() - startedAt) + ' ms';
    var what = document.createElement('span');
    what.className = 'what';
    what.textContent = text;
    item.appendChild(time);
    item.appendChild(what);
    if (detail) {
      var more = document.createElement('code');
      more.className = 'detail';
      more.textContent = detail;
      item.appendChild(more);
    }
    $('steps').appendChild(item);
    $('steps-count').textContent = String($('steps').children.length);
    $('steps-panel').hidden = false;
  }

  function clearSteps() {
    startedAt = performance.now();
    $('steps').replaceChildren();
    $('steps-count').textContent = '';
  }

  // The client's requests to the coauth server are plain fetch calls: a wrapper logs them
  // as they go, without changing what the client sends or receives. coauth.js has no event
  // hooks of its own, and needs none for this.
  var nativeFetch = window.fetch;
  window.fetch = function (input, init) {
    var url = new URL(input instanceof Request ? input.url : String(input), location.href);
    var isAuthUrl = /\/coauth\/auth_url$/.test(url.pathname);
    var isResult = /\/coauth\/result$/.test(url.pathname);
    if (isAuthUrl) step('Asking the server for the provider URL', 'POST ' + url.pathname);
    if (isResult) step('Back from the provider: asking the server for the result', 'POST ' + url.pathname);
    return nativeFetch.apply(this, arguments).then(function (response) {
      if (isAuthUrl && response.ok) {
        // A copy of the answer, so the client still reads the original.
        response.clone().json().then(function (data) {
          var provider = data && typeof data.url == 'string' ? new URL(data.url) : null;
          if (provider) {
            step(silentNow ? 'At the provider, in the hidden frame' : 'At the provider: waiting for you in the popup',
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

  // ---- The outcome ----------------------------------------------------------------------

  function setStatus(text, tone) {
    $('status').textContent = text;
    $('status').parentNode.className = 'status ' + (tone || '');
  }

  function resetCards() {
    ['user-name', 'user-email', 'user-provider', 'user-id', 'user-initials', 'error-code', 'error-status', 'error-message']
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

  function showUser(providerType, label, user) {
    // Exactly what the provider shared (the tests read these); demo.css shows a placeholder
    // for an empty name.
    $('user-name').textContent = user.name || '';
    $('user-email').textContent = user.email || '';
    $('user-email-verified').hidden = !(user.email && user.emailVerified === true);
    $('user-provider').textContent = label ? label + ' (' + providerType + ')' : providerType;
    $('user-id').textContent = user.id || '';
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

  // `label`: the provider's display name, from its button; `resultPage`: the result page
  // the provider redirects to, under /coauth (`result_page`, or `result_page_{name}` for a
  // provider with a redirect URI of its own).
  // Cancels the sign-in in progress: the popup's close is not always visible to the page
  // (a provider page with Cross-Origin-Opener-Policy), so the user gets a way out.
  var cancel = null;
  $('cancel').addEventListener('click', function () {
    if (cancel) cancel.abort();
  });

  function signIn(providerType, silent, label, resultPage) {
    if (cancel) cancel.abort();
    cancel = new AbortController();
    var mine = cancel;
    $('cancel').hidden = false;
    resetCards();
    clearSteps();
    silentNow = !!silent;
    setStatus(silent ? 'Trying silent sign-in…' : 'Waiting for the popup…', 'busy');
    step(silent ? 'Starting a hidden frame (prompt=none)' : 'Opening the popup on the stub page',
      silent ? providerType : '/coauth/auth_page');
    // Called straight from the click handler: the popup must open inside the user gesture.
    auth[silent ? 'tryAuth' : 'auth']({
      providerType: providerType,
      authPageUrl: '/coauth/auth_page',
      resultPageUrl: location.origin + '/coauth/' + (resultPage || 'result_page'),
      auth: { scope: [] },
      signal: mine.signal
    }, function (err, result) {
      if (cancel === mine) {
        cancel = null;
        $('cancel').hidden = true;
      }
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
      step('Signed in', user.name || user.id);
      showUser(data.providerType || providerType, label, user);
      setStatus('Signed in', 'ok');
    });
  }

  $('silent-demo').addEventListener('click', function () { signIn('demo', true, 'Demo provider'); });
  // One button per configured provider, rendered by the server: data-provider is the
  // provider's name on the server, data-result-page its result page, .label its display name.
  Array.prototype.forEach.call(document.querySelectorAll('button[data-provider]'), function (button) {
    var label = button.querySelector('.label');
    button.addEventListener('click', function () {
      signIn(button.getAttribute('data-provider'), false, label && label.textContent,
        button.getAttribute('data-result-page'));
    });
  });
})();
