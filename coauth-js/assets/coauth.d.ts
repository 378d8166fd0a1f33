// Type definitions for coauth.js (the global `coauth`) and coauth.mjs (the ES module).
//
//   <script src="/coauth/coauth.js"></script>            -> window.coauth
//   import coauth, { Auth } from '/coauth/coauth.mjs';   -> the same object
//   import coauth, { Auth } from 'coauth';               -> the same, from the npm package
//   const { Auth } = require('coauth');                  -> the same object (module.exports)
//
// A page that uses the hidden iframe (tryAuth, hidden: true) or the frame transport
// (authResultFrameRequest) under a Content-Security-Policy must allow it:
// `frame-src 'self' <provider origins>` and `form-action 'self'`.
//
// Redirect mode (`redirect: true`, or `fallback: 'redirect'` where no popup can open) takes
// the whole page to the provider and back; `resume()` on the page's next load delivers the
// result. The result page must then be on the page's own origin.

/** Error codes: the server's (see its error table) and the client's own. */
export type ErrorCode =
  | 'ValidationError'
  /** From the server, or from the client when the provider's redirect repeats a parameter
   *  (status 400; nothing is sent to the server). */
  | 'InputError'
  | 'UserDenied'
  | 'ProviderConnectionError'
  | 'ProviderTechnicalError'
  | 'ProviderError'
  /** The user closed the popup (after `window.closeGrace` once it reached the provider), or
   *  `closeWindow()` ended a waiting flow, or a popup cut off by the provider's
   *  Cross-Origin-Opener-Policy gave no answer within the flow's lifetime (10 minutes). */
  | 'WindowClosed'
  /** `tryAuth()` did not finish in `tryAuthTimeout` ms: the provider wants the user to act,
   *  refuses to be framed, or its cookies are blocked in frames. */
  | 'Timeout'
  /** The browser refused to open the popup (`window.open` returned null or threw), and
   *  `fallback` is not `'redirect'`. */
  | 'PopupBlocked'
  /** `options.signal` was aborted. */
  | 'Aborted'
  /** The coauth server could not be reached. */
  | 'NetworkError'
  /** The coauth server answered something that is not a coauth answer (e.g. an `auth_url`
   *  answer whose provider URL is neither https nor http on a loopback host). */
  | 'ServerError';

/** What coauth hands to callbacks and rejects Promises with. */
export interface CoauthError<Data = unknown> extends Error {
  code: ErrorCode | (string & {});
  /** The HTTP status, when the server answered (and 400 for the client's ValidationError). */
  status?: number;
  /** The server's answer, when there was one. */
  response?: AuthResponse<Data>;
}

/** A user as coauth's default result describes it. */
export interface User {
  id: string;
  name?: string | null;
  email?: string | null;
  emailVerified?: boolean | null;
  avatarUrl?: string | null;
  profileUrl?: string | null;
  username?: string | null;
  [key: string]: unknown;
}

/** The default `{base}/result` answer (an app's result hook may answer anything). */
export interface AuthResult<Identity = unknown> {
  providerType: string;
  identity: Identity | null;
  user: User;
  /** The provider profile fields requested with `options.result.fields`. */
  fields: Record<string, unknown>;
  /** Provider tokens, only when the server exposes them. */
  credentials?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Every server response object. */
export interface AuthResponse<Data = AuthResult> {
  status: number;
  /** Response headers, lower-case names (the `http` transport only). */
  headers?: Record<string, string>;
  data: Data;
  /** How the answer came: `fetch` (`'http'`) or a form posted into an iframe (`'frame'`). */
  transport: 'http' | 'frame';
}

/** The signed-in user of coauth's sessions: the answer of `GET {base}/session`, which
 *  `session()` delivers. `Claims` is what the app's result hook added to the session. */
export interface Session<Claims = unknown> {
  /** The provider the user signed in with. */
  providerType: string;
  user: User;
  /** The app's claims, `null` when it added none. */
  claims: Claims | null;
  /** When the user signed in, in Unix seconds. */
  signedInAt: number;
  /** When the session ends unless renewed, in Unix seconds. */
  expiresAt: number;
}

/** How a sign-in ran: in a popup, by taking the whole page to the provider and back
 *  (`redirect: true`, the `fallback`), or in a hidden iframe (`tryAuth()`, `hidden: true`). */
export type SignInMode = 'popup' | 'redirect' | 'silent';

/** What `auth()`, `tryAuth()` and `resume()` deliver: the server's answer and the mode the
 *  sign-in ran in. `'redirect'` comes only from `resume()`: a redirect-mode `auth()` leaves
 *  the page before there is a result. */
export interface SignInResponse<Data = AuthResult> extends AuthResponse<Data> {
  mode: SignInMode;
}

/** `options.auth`: scopes and provider-specific options for the authorization step. */
export interface AuthStepOptions {
  scope?: string[];
  [option: string]: unknown;
}

/** `options.result`: requested fields and provider-specific options for the result step. */
export interface ResultStepOptions {
  fields?: string[];
  [option: string]: unknown;
}

/** Options of `auth()` and `tryAuth()`. */
export interface AuthOptions<Identity = unknown> {
  /** The provider's name on the server. Required. */
  providerType: string;
  /** The stub page the popup opens on. Required for popups; unused by the silent iframe. */
  authPageUrl?: string;
  /** The page the provider redirects to: a full URL, registered on the server. Required. */
  resultPageUrl: string;
  /** Sealed by the server and returned in the result. A non-null identity makes an
   *  account-linking flow: the server requires the same signed-in app user at both steps.
   *  Not allowed with silent sign-in. */
  identity?: Identity | null;
  /** `true`: `auth()` behaves exactly as `tryAuth()`. No effect on `tryAuth()`. */
  hidden?: boolean;
  /** `true`: the callback gets {@link CustomResultData} instead of the server's result. */
  customAuthResultRequest?: boolean;
  /** `true`: redirect mode instead of a popup. The whole page goes to the provider; the
   *  result page (which must be on this page's origin) keeps the answer in this tab's
   *  `sessionStorage` and goes back to `returnTo`, where `resume()` delivers the result.
   *  The callback (or Promise) of `auth()` then settles only if the sign-in fails before the
   *  page leaves. Default `false`; a `ValidationError` with silent sign-in (`tryAuth()`,
   *  `hidden: true`). */
  redirect?: boolean;
  /** `'redirect'`: redirect mode where a popup cannot be used: `window.open` returns null
   *  or throws, or the page runs in a known in-app browser (Facebook, Messenger, Instagram,
   *  LINE, WeChat, TikTok, Telegram, Snapchat) or as a standalone web app. Otherwise a
   *  popup, as without it. The result page must be on this page's origin. */
  fallback?: 'redirect' | '';
  /** Redirect mode: the path of this origin to come back to (`'/account?tab=1'`); anything
   *  else (another origin, `//host`, a full URL) is a `ValidationError`. Default: the
   *  current page (path, query and fragment). */
  returnTo?: string;
  /** A function name installed on this window while the flow runs; the result page calls
   *  it (same origin only) when `postMessage` is unavailable. Must not name an existing
   *  property of `window`. */
  postMessageWorkaroundFuncName?: string;
  /** Milliseconds `tryAuth()` may take. Default 5000; `null` means the default; `0` means
   *  no timeout. */
  tryAuthTimeout?: number | null;
  window?: {
    /** `window.open` features. Default `'dialog=true,width=600,height=700'`. */
    features?: string;
    /** How often to check whether the user closed the popup, ms. Default 200. */
    closeCheckInterval?: number;
    /** How long a popup that reads closed at the provider is still listened to before
     *  WindowClosed, ms. Default 2000. A popup that reads closed within a second of
     *  reaching the provider (what a provider page's Cross-Origin-Opener-Policy does as it
     *  loads) is taken as cut off, not closed: its answer is awaited until the flow's
     *  lifetime (10 minutes), `signal` or `closeWindow()`. */
    closeGrace?: number;
  };
  auth?: AuthStepOptions;
  result?: ResultStepOptions;
  /** Cancels the sign-in: the callback gets an `Aborted` error and every window, frame,
   *  listener and timer is removed. */
  signal?: AbortSignal;
}

/** Options of `tryAuth()`: silent sign-in stays in its hidden iframe (`redirect: true` is a
 *  `ValidationError`; `fallback` never applies to it). */
export type SilentAuthOptions<Identity = unknown> = AuthOptions<Identity> & { redirect?: false };

/** What the callback gets with `customAuthResultRequest: true`: send it on with
 *  `authResultHttpRequest` / `authResultFrameRequest` (changed as you like), or to your
 *  own endpoint; then call `closeWindow()`. */
export interface CustomResultData<Identity = unknown> {
  providerType: string;
  identity: Identity | null;
  options: { result: ResultStepOptions };
  /** The sealed flow from `{base}/auth_url`. */
  flow: string;
  /** Where the provider's answer arrived: the result page's `origin + pathname`. The server
   *  requires it and checks it against the flow's redirect URI. */
  redirectUri: string;
  /** The provider's redirect parameters. */
  response: Record<string, string>;
  /** `'redirect'` when `resume()` delivers the data (absent from a popup's). */
  mode?: SignInMode;
}

export type Callback<T, Data = unknown> = (err: CoauthError<Data> | null, result?: T) => void;

/** Returned by the callback form. */
export interface AuthWorker {
  /** Closes the popup or removes the iframe (for `customAuthResultRequest`). A flow still
   *  waiting for the provider's answer ends with `WindowClosed` (the callback gets it, the
   *  Promise rejects with it): the way out where the popup cannot be watched (a provider's
   *  Cross-Origin-Opener-Policy cut it off). Does nothing on what `resume()` returns. */
  closeWindow(): void;
}

/** Returned by the Promise form: the Promise, with `closeWindow()`. */
export type AuthPromise<T> = Promise<T> & AuthWorker;

export interface HttpRequestExtra {
  /** Extra request headers (`Content-Type` stays `application/json`). */
  headers?: Record<string, string> | Headers;
}

export interface FrameRequestExtra {
  /** Extra form fields; the server's result hook reads them as `FrameFields`. */
  fields?: Record<string, string>;
}

export class Auth {
  /** @param baseUrl where the coauth resources are mounted, e.g. `'/coauth'`. */
  constructor(baseUrl: string);
  readonly baseUrl: string;

  /** Popup sign-in (or redirect mode, with `redirect` or `fallback`); call it inside the
   *  user's click. */
  auth<Data = AuthResult, Identity = unknown>(options: AuthOptions<Identity> & { customAuthResultRequest?: false }, cb: Callback<SignInResponse<Data>, Data>): AuthWorker;
  auth<Identity = unknown>(options: AuthOptions<Identity> & { customAuthResultRequest: true }, cb: Callback<CustomResultData<Identity>>): AuthWorker;
  auth<Data = AuthResult, Identity = unknown>(options: AuthOptions<Identity> & { customAuthResultRequest?: false }): AuthPromise<SignInResponse<Data>>;
  auth<Identity = unknown>(options: AuthOptions<Identity> & { customAuthResultRequest: true }): AuthPromise<CustomResultData<Identity>>;
  auth<Identity = unknown>(options: AuthOptions<Identity>, cb: Callback<SignInResponse | CustomResultData<Identity>>): AuthWorker;
  auth<Identity = unknown>(options: AuthOptions<Identity>): AuthPromise<SignInResponse | CustomResultData<Identity>>;

  /** Silent sign-in in a hidden iframe (`prompt=none` where the provider supports it). */
  tryAuth<Data = AuthResult, Identity = unknown>(options: SilentAuthOptions<Identity> & { customAuthResultRequest?: false }, cb: Callback<SignInResponse<Data>, Data>): AuthWorker;
  tryAuth<Identity = unknown>(options: SilentAuthOptions<Identity> & { customAuthResultRequest: true }, cb: Callback<CustomResultData<Identity>>): AuthWorker;
  tryAuth<Data = AuthResult, Identity = unknown>(options: SilentAuthOptions<Identity> & { customAuthResultRequest?: false }): AuthPromise<SignInResponse<Data>>;
  tryAuth<Identity = unknown>(options: SilentAuthOptions<Identity> & { customAuthResultRequest: true }): AuthPromise<CustomResultData<Identity>>;
  tryAuth<Identity = unknown>(options: SilentAuthOptions<Identity>, cb: Callback<SignInResponse | CustomResultData<Identity>>): AuthWorker;
  tryAuth<Identity = unknown>(options: SilentAuthOptions<Identity>): AuthPromise<SignInResponse | CustomResultData<Identity>>;

  /** Asks the server for the flow of a sign-in with these options ahead of the user's
   *  click (on pointer-over or focus of the sign-in button, or as its dialog opens), so that
   *  `auth()` (or `tryAuth()`) with the same `providerType`, `resultPageUrl`, `identity`,
   *  `auth` options and mode (`hidden: true` prepares for `tryAuth()`) opens the popup
   *  straight on the provider's page: no stub page, no request inside the click. A prepared
   *  flow serves one sign-in, within a minute of asking (later ones ask the server again);
   *  while a fresh one is ready or on its way, asking again sends nothing. A sign-in that
   *  comes while it is on its way waits for it on the stub page. The callback gets `null`
   *  (the Promise resolves with `undefined`) once the flow is ready, or the error `auth()`
   *  would have met: a `ValidationError` for bad options (nothing sent), the server's
   *  answer, a `NetworkError`. `signal` and the window options play no part here. */
  prepare<Identity = unknown>(options: AuthOptions<Identity>, cb: (err: CoauthError | null) => void): void;
  prepare<Identity = unknown>(options: AuthOptions<Identity>): Promise<void>;

  /** Finishes a redirect-mode sign-in on the page it came back to; call it on every page
   *  load. Delivers, exactly once, the same result (with `mode: 'redirect'`) or error as the
   *  popup flow would have, or `null` when no answer is waiting (none was started, the user
   *  came back without one, or it was delivered already). A flow started with
   *  `customAuthResultRequest: true` delivers {@link CustomResultData} instead: name it as
   *  `Result` (`resume<CustomResultData>()`). */
  resume<Result = SignInResponse<AuthResult>>(cb: Callback<Result | null>): AuthWorker;
  resume<Result = SignInResponse<AuthResult>>(): AuthPromise<Result | null>;

  /** With the server's sessions on: the signed-in user from `GET {base}/session` (fetched
   *  with the page's own cookies, `credentials: 'same-origin'`, never cached), or `null` when
   *  no one is signed in (its 401). Other answers and network failures are errors. */
  session<Claims = unknown>(cb: Callback<Session<Claims> | null>): void;
  session<Claims = unknown>(): Promise<Session<Claims> | null>;

  /** Signs the user out: `POST {base}/sign_out` clears the session cookie. The callback
   *  gets `null`; the Promise resolves with `undefined`. */
  signOut(cb: (err: CoauthError | null) => void): void;
  signOut(): Promise<void>;

  /** Sends custom result data to `{base}/result` with fetch. */
  authResultHttpRequest<Data = AuthResult>(data: CustomResultData, cb: Callback<AuthResponse<Data>, Data>): void;
  authResultHttpRequest<Data = AuthResult>(data: CustomResultData, extra: HttpRequestExtra | null, cb: Callback<AuthResponse<Data>, Data>): void;
  authResultHttpRequest<Data = AuthResult>(data: CustomResultData, extra?: HttpRequestExtra | null): Promise<AuthResponse<Data>>;

  /** Sends custom result data to `{base}/result_frame` by a form posted into a hidden iframe. */
  authResultFrameRequest<Data = AuthResult>(data: CustomResultData, cb: Callback<AuthResponse<Data>, Data>): void;
  authResultFrameRequest<Data = AuthResult>(data: CustomResultData, extra: FrameRequestExtra | null, cb: Callback<AuthResponse<Data>, Data>): void;
  authResultFrameRequest<Data = AuthResult>(data: CustomResultData, extra?: FrameRequestExtra | null): Promise<AuthResponse<Data>>;
}

/** The `coauth` global and the default export of coauth.mjs. */
export interface Coauth {
  Auth: typeof Auth;
}

declare const coauth: Coauth;
export default coauth;

declare global {
  interface Window {
    coauth: Coauth;
  }
  // The classic script's global.
  var coauth: Coauth;
}
