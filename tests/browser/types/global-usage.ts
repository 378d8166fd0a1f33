// The classic script's global, as a page script sees it.
const viaGlobal = new coauth.Auth('/coauth');
const viaWindow = new window.coauth.Auth('/coauth');
viaGlobal.tryAuth({ providerType: 'demo', resultPageUrl: location.origin + '/coauth/result_page' }, (err, response) => {
  console.log(err?.code, response?.data.user.id, viaWindow.baseUrl);
});
export {};
