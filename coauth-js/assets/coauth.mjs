// coauth.js as an ES module: `import coauth, { Auth } from '/coauth/coauth.mjs'`.
// The classic script defines the global `coauth`; it runs only if the page has not
// loaded it already.
if (!globalThis.coauth) await import('./coauth.js');

const coauth = globalThis.coauth;
export const Auth = coauth.Auth;
export default coauth;
