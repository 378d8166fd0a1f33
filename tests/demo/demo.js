// The coauth demo page: one button per provider, the outcome shown with textContent.
// The window.__coauth* values are read by the browser tests (tests/browser/).
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

  function show(fields) {
    ['status', 'user-name', 'user-email', 'error-code', 'error-message'].forEach(function (id) {
      $(id).textContent = fields[id] || '';
    });
  }

  function signIn(providerType, silent) {
    show({ status: silent ? 'Trying silent sign-in…' : 'Waiting for the popup…' });
    // Called straight from the click handler: the popup must open inside the user gesture.
    auth[silent ? 'tryAuth' : 'auth']({
      providerType: providerType,
      authPageUrl: '/coauth/auth_page',
      resultPageUrl: location.origin + '/coauth/result_page',
      auth: { scope: [] }
    }, function (err, result) {
      window.__coauthCallbacks += 1;
      if (err) {
        window.__coauthLastError = { code: err.code, status: err.status, message: err.message };
        show({ status: 'Sign-in failed', 'error-code': err.code, 'error-message': err.message });
        return;
      }
      var user = (result.data && result.data.user) || {};
      window.__coauthLastResult = result.data;
      show({ status: 'Signed in', 'user-name': user.name, 'user-email': user.email });
    });
  }

  $('signin-demo').addEventListener('click', function () { signIn('demo'); });
  $('signin-github').addEventListener('click', function () { signIn('github'); });
  $('silent-demo').addEventListener('click', function () { signIn('demo', true); });
  // Providers turned on from the server's environment: one button each, rendered by the server.
  Array.prototype.forEach.call(document.querySelectorAll('button[data-provider]'), function (button) {
    button.addEventListener('click', function () { signIn(button.getAttribute('data-provider')); });
  });
})();
