// The whole coauth.js API as a TypeScript app uses it, checked against coauth.d.ts by
// `tsc --noEmit` (types.test.mjs). Lines marked @ts-expect-error must be rejected: if the
// typings were too loose, tsc would fail on the unused directive.
import coauth, { Auth, type AuthResponse, type CoauthError, type CustomResultData, type Session, type SignInMode, type SignInResponse } from '../../../coauth-js/assets/coauth';

const auth = new coauth.Auth('/coauth');
const same: typeof Auth = coauth.Auth;
void same;

const base = {
  providerType: 'github',
  authPageUrl: '/coauth/auth_page',
  resultPageUrl: 'https://app.example/coauth/result_page',
};

// Callback form, every documented option.
const worker = auth.auth({
  ...base,
  identity: { account: 1 },
  hidden: false,
  postMessageWorkaroundFuncName: 'coauthReceive',
  tryAuthTimeout: null,
  window: { features: 'dialog=true', closeCheckInterval: 200, closeGrace: 2000 },
  auth: { scope: ['user:email'], prompt: 'login' },
  result: { fields: ['email'], locale: 'en' },
  signal: new AbortController().signal,
}, (err, response) => {
  if (err) {
    const code: string = err.code;
    const status: number | undefined = err.status;
    const answer: AuthResponse<unknown> | undefined = err.response;
    console.log(code, status, answer?.transport);
    return;
  }
  if (response) {
    const name: string | null | undefined = response.data.user.name;
    const transport: 'http' | 'frame' = response.transport;
    const mode: SignInMode = response.mode;
    console.log(name, transport, mode, response.status, response.headers?.['content-type'], response.data.fields);
  }
});
worker.closeWindow();

// Promise form, silent.
async function silent(): Promise<string> {
  const response = await auth.tryAuth({ providerType: 'google', resultPageUrl: 'https://app.example/r', tryAuthTimeout: 0 });
  return response.data.user.id;
}
void silent;

// Redirect mode: asked for, or as the fallback where no popup can open, coming back to a
// path of this origin; resume() on page load delivers the result, or null.
auth.auth({ ...base, redirect: true, returnTo: '/account?tab=linked#top' }, (err) => console.log(err?.code));
auth.auth({ ...base, fallback: 'redirect' }).then((response: SignInResponse) => {
  if (response.mode === 'popup') console.log(response.data.user.id);
});
auth.resume((err, response) => {
  if (err) return console.log(err.code, err.status);
  if (response === null || response === undefined) return;
  const mode: SignInMode = response.mode;
  console.log(mode, response.data.user.name, response.transport);
});
async function resumed(): Promise<string | null> {
  const pending = auth.resume();
  pending.closeWindow();
  const response = await pending;
  return response ? response.data.user.id : null;
}
void resumed;
// A redirect flow started with customAuthResultRequest: true delivers the custom data.
async function resumedCustom(): Promise<void> {
  const data = await auth.resume<CustomResultData>();
  if (data) {
    const mode: SignInMode | undefined = data.mode;
    const viaHttp = await auth.authResultHttpRequest(data);
    console.log(mode, viaHttp.data.user.id);
  }
}
void resumedCustom;

// customAuthResultRequest: the data, then either transport.
async function custom(): Promise<void> {
  const pending = auth.auth({ ...base, customAuthResultRequest: true });
  const data: CustomResultData = await pending;
  const flow: string = data.flow;
  const code: string | undefined = data.response.code;
  const arrivedAt: string = data.redirectUri;
  console.log(flow, code, arrivedAt, data.options.result.fields, data.identity);
  const viaHttp = await auth.authResultHttpRequest(data, { headers: { 'X-Csrf': 't' } });
  const viaFrame = await auth.authResultFrameRequest<{ welcome: string }>(data, { fields: { csrf: 't' } });
  console.log(viaHttp.data.user.email, viaFrame.data.welcome);
  auth.authResultFrameRequest(data, (err: CoauthError | null, response?: AuthResponse) => console.log(err, response));
  pending.closeWindow();
}
void custom;

// Sessions: the signed-in user (or null), with the app's claims typed; sign-out.
auth.session((err, session) => {
  if (err) return console.log(err.code, err.status);
  if (!session) return console.log('signed out');
  const provider: string = session.providerType;
  const id: string = session.user.id;
  const until: number = session.expiresAt - session.signedInAt;
  console.log(provider, id, until, session.user.name, session.claims);
});
async function whoIsIn(): Promise<number | null> {
  const session = await auth.session<{ accountId: number }>();
  const full: Session<{ accountId: number }> | null = session;
  return full?.claims ? full.claims.accountId : null;
}
void whoIsIn;
auth.signOut((err) => console.log(err ? err.code : 'signed out'));
async function leave(): Promise<void> {
  const nothing: void = await auth.signOut();
  return nothing;
}
void leave;

// A flow asked for ahead of the click, both forms.
document.getElementById('sign-in')?.addEventListener('pointerenter', () => {
  auth.prepare(base, (err) => console.log(err?.code));
});
async function ready(): Promise<void> {
  const nothing: void = await auth.prepare({ ...base, auth: { scope: ['user:email'] } });
  return nothing;
}
void ready;

// Mistakes the typings catch.
// @ts-expect-error providerType is required
auth.auth({ authPageUrl: '/a', resultPageUrl: '/r' }, () => {});
// @ts-expect-error resultPageUrl is required
auth.tryAuth({ providerType: 'x' });
// @ts-expect-error tryAuthTimeout is a number
auth.tryAuth({ ...base, tryAuthTimeout: '5000' });
// @ts-expect-error scope is a list
auth.auth({ ...base, auth: { scope: 'email' } });
// @ts-expect-error no such window option
auth.auth({ ...base, window: { width: 3 } });
// @ts-expect-error the signal is an AbortSignal
auth.auth({ ...base, signal: true });
// @ts-expect-error the custom data is not a server response
auth.auth({ ...base, customAuthResultRequest: true }).then((r) => r.data);
// @ts-expect-error frame requests take fields, not headers
auth.authResultFrameRequest({} as CustomResultData, { headers: {} });
// @ts-expect-error the Auth constructor needs the base URL
new Auth();
// @ts-expect-error redirect is a boolean
auth.auth({ ...base, redirect: 'yes' });
// @ts-expect-error the only fallback is 'redirect'
auth.auth({ ...base, fallback: 'tab' });
// @ts-expect-error returnTo is a path string
auth.auth({ ...base, returnTo: new URL('https://app.example/') });
// @ts-expect-error silent sign-in never redirects
auth.tryAuth({ ...base, redirect: true });
// @ts-expect-error prepare() needs the sign-in's options
auth.prepare();
// @ts-expect-error prepare() delivers no result
auth.prepare(base).then((response) => response.data);
// @ts-expect-error resume() takes no options
auth.resume({ providerType: 'github' });
// @ts-expect-error resume() may deliver null
auth.resume().then((response) => response.data);
// @ts-expect-error session() may deliver null
auth.session().then((session) => session.user);
// @ts-expect-error the claims are the app's type
auth.session<{ accountId: number }>().then((session) => session?.claims?.accountId.toUpperCase());
// @ts-expect-error signOut() takes no options
auth.signOut({ everywhere: true });
// @ts-expect-error signOut() delivers nothing to read
auth.signOut().then((value) => value.user);
