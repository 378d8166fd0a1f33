// coauth.js as an ES module: `import coauth, { Auth } from '/coauth/coauth.mjs'` (or, from
// the npm package, `from 'coauth'`). A static import, so bundlers can inline it (no
// top-level await). In a browser the classic script defines the global `coauth`, and keeps
// the first one when the page has loaded it already; under CommonJS (Node, bundlers) its
// module.exports is the same object, the default export of the namespace below.
import * as classic from './coauth.js';

const coauth = globalThis.coauth || classic.default;
export const Auth = coauth.Auth;
export default coauth;
