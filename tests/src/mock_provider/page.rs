//! The authorization endpoint: request validation, the consent page, and the decision.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::response::Response;
use http::header::{CONTENT_SECURITY_POLICY, COOKIE, SET_COOKIE, X_FRAME_OPTIONS};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri};
use url::Url;

use super::DECISION_PATH;
use super::params::{self, Params, is_pkce_value};
use super::respond::{self, bad_request, found};
use super::state::{Settings, Shared};
use crate::mock::Endpoint;

/// The page title (and heading).
pub(super) const TITLE: &str = "Mock provider — sign in";

/// `GET /authorize` (Generic) or `GET /login/oauth/authorize` (GitHub).
pub(super) async fn authorize(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    shared.endpoints.count(Endpoint::Authorize);
    let query = uri.query().unwrap_or("");
    shared.lock().last_authorize_query = Some(params::pairs(query.as_bytes()));
    let (request, prompt_none) = match Params::parse(query.as_bytes()).and_then(|p| {
        let request = AuthorizeRequest::validate(&shared.settings, &p)?;
        Ok((request, p.get("prompt") == Some("none")))
    }) {
        Ok(parsed) => parsed,
        Err(message) => return bad_request(message),
    };
    if shared.settings.auto_approve {
        return approve(&shared, &request);
    }
    if prompt_none && shared.settings.honour_prompt_none {
        // OpenID Connect Core §3.1.2.1: never show a page; approve a known session or say
        // that a login is required.
        if has_session(&shared, &headers) {
            return approve(&shared, &request);
        }
        let mut pairs = vec![("error", "login_required")];
        pairs.extend(request.state.as_deref().map(|s| ("state", s)));
        return found(&with_query(request.redirect_url, &pairs));
    }
    let user = shared.lock().user.clone();
    let mut page = respond::with_body(
        StatusCode::OK,
        respond::HTML,
        Body::from(render(&request, &user)),
    );
    // Enforces the page's promise of no script. Deliberately narrow (no `default-src`, so
    // no `style-src`): a browser test that watches for CSP violations must not see the
    // favicon fetch or the page's inline <style> reported, and `form-action` stays open
    // because the decision redirects to the client's origin.
    page.headers_mut().insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("script-src 'none'; object-src 'none'; base-uri 'none'"),
    );
    if shared.settings.deny_framing {
        page.headers_mut()
            .insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    if shared.settings.opener_policy_same_origin {
        page.headers_mut().insert(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        );
    }
    page
}

/// Whether the request carries a session cookie the consent page handed out.
fn has_session(shared: &Shared, headers: &HeaderMap) -> bool {
    let name = shared.settings.session_cookie.as_str();
    let state = shared.lock();
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(cookie, value)| cookie == name && state.sessions.contains(value))
}

/// Remembers the browser that approved, for later `prompt=none` requests. `SameSite=Lax`
/// as real providers set it: a silent iframe sends it only when the app is same-site.
fn start_session(shared: &Shared, response: &mut Response) {
    let token = super::state::random_token();
    let cookie = format!(
        "{}={token}; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax",
        shared.settings.session_cookie
    );
    shared.lock().sessions.insert(token);
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(SET_COOKIE, value);
    }
}

/// `POST /authorize/decision`: the consent form's target, in both modes.
pub(super) async fn decision(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let params = match Params::parse(&body) {
        Ok(params) => params,
        Err(message) => return bad_request(message),
    };
    let approved = match params.get("decision") {
        Some("approve") => true,
        Some("deny") => false,
        _ => return bad_request("decision must be \"approve\" or \"deny\""),
    };
    // The form round-trips the request through the browser: validate it again.
    let request = match AuthorizeRequest::validate(&shared.settings, &params) {
        Ok(request) => request,
        Err(message) => return bad_request(message),
    };
    if approved {
        let mut answer = approve(&shared, &request);
        start_session(&shared, &mut answer);
        answer
    } else {
        let mut pairs = match shared.settings.mode {
            super::Mode::Preset(preset) => preset.denial(),
            _ => vec![
                ("error", "access_denied"),
                ("error_description", "The user denied access"),
            ],
        };
        pairs.extend(request.state.as_deref().map(|s| ("state", s)));
        found(&with_query(request.redirect_url, &pairs))
    }
}

fn approve(shared: &Shared, request: &AuthorizeRequest) -> Response {
    let code = shared.issue_code(
        &request.client_id,
        &request.redirect_uri,
        request.code_challenge.as_deref(),
        request.scope.as_deref(),
    );
    let mut pairs = vec![("code", code.as_str())];
    pairs.extend(request.state.as_deref().map(|s| ("state", s)));
    let extra = match shared.settings.mode {
        super::Mode::Preset(preset) => preset.approval_params(&code, request.state.as_deref()),
        _ => Vec::new(),
    };
    pairs.extend(extra.iter().map(|(name, value)| (*name, value.as_str())));
    found(&with_query(request.redirect_url.clone(), &pairs))
}

/// Appends `pairs` to the URL's query, keeping what is already there.
fn with_query(mut url: Url, pairs: &[(&str, &str)]) -> Url {
    url.query_pairs_mut().extend_pairs(pairs);
    url
}

/// A validated authorization request.
struct AuthorizeRequest {
    response_type: Option<String>,
    client_id: String,
    /// Exactly as sent, for the exact comparison at the token endpoint.
    redirect_uri: String,
    redirect_url: Url,
    state: Option<String>,
    scope: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

impl AuthorizeRequest {
    fn validate(settings: &Settings, params: &Params) -> Result<AuthorizeRequest, String> {
        let owned = |name| params.get(name).map(str::to_owned);
        let response_type = owned("response_type");
        // GitHub ignores response_type; a strict provider requires `code`.
        if !settings.is_github() {
            match response_type.as_deref() {
                Some("code") => {}
                None => return Err("response_type is required".into()),
                Some(other) => {
                    return Err(format!(
                        "unsupported response_type {other:?}: only \"code\" is supported"
                    ));
                }
            }
        }
        let client_id = owned("client_id").ok_or("client_id is required")?;
        if client_id != settings.client_id {
            return Err(format!("unknown client_id {client_id:?}"));
        }
        let redirect_uri = owned("redirect_uri").ok_or("redirect_uri is required")?;
        let redirect_url = Url::parse(&redirect_uri)
            .map_err(|e| format!("redirect_uri is not an absolute URL: {e}"))?;
        if !matches!(redirect_url.scheme(), "http" | "https") || !redirect_url.has_host() {
            return Err("redirect_uri must be an absolute http or https URL".into());
        }
        if redirect_url.fragment().is_some() {
            return Err("redirect_uri must not contain a fragment".into());
        }
        let code_challenge = owned("code_challenge");
        let code_challenge_method = owned("code_challenge_method");
        match (&code_challenge, code_challenge_method.as_deref()) {
            (None, None) if !settings.pkce_required() => {}
            (None, None) => return Err("PKCE is required: code_challenge is missing".into()),
            (None, Some(_)) => {
                return Err("code_challenge_method was sent without code_challenge".into());
            }
            (Some(_), None) => {
                return Err("code_challenge_method is required: only \"S256\" is supported".into());
            }
            (Some(challenge), Some(method)) => {
                if method != "S256" {
                    return Err(format!(
                        "unsupported code_challenge_method {method:?}: only \"S256\" is supported"
                    ));
                }
                if !is_pkce_value(challenge) {
                    return Err("code_challenge must be 43 to 128 unreserved characters".into());
                }
            }
        }
        Ok(AuthorizeRequest {
            response_type,
            client_id,
            redirect_uri,
            redirect_url,
            state: owned("state"),
            scope: owned("scope"),
            code_challenge,
            code_challenge_method,
        })
    }

    /// The request as hidden form fields, so the decision POST carries it back.
    fn fields(&self) -> Vec<(&'static str, &str)> {
        let optional = [
            ("response_type", &self.response_type),
            ("state", &self.state),
            ("scope", &self.scope),
            ("code_challenge", &self.code_challenge),
            ("code_challenge_method", &self.code_challenge_method),
        ];
        let mut fields = vec![
            ("client_id", self.client_id.as_str()),
            ("redirect_uri", self.redirect_uri.as_str()),
        ];
        fields.extend(
            optional
                .into_iter()
                .filter_map(|(name, value)| value.as_deref().map(|v| (name, v))),
        );
        fields
    }
}

/// The consent page's look: one centered card, the system font, no external resource (the
/// CSP above has no `style-src`, so this inline style is allowed; nothing else is).
const STYLE: &str = "\
:root{color-scheme:light;--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--accent:#1f6feb;--bg:#f6f8fa}\
*{box-sizing:border-box}\
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:1.5rem;\
background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif}\
main{width:100%;max-width:26rem;background:#fff;border:1px solid var(--line);border-radius:12px;\
box-shadow:0 1px 3px rgba(31,35,40,.08),0 8px 24px rgba(31,35,40,.06);padding:1.75rem}\
.brand{display:flex;align-items:center;gap:.6rem;color:var(--muted);font-size:.85rem;font-weight:600;letter-spacing:.02em}\
.logo{width:1.75rem;height:1.75rem;border-radius:8px;background:linear-gradient(135deg,#8250df,#1f6feb);\
color:#fff;display:grid;place-items:center;font-weight:700}\
h1{font-size:1.3rem;line-height:1.3;margin:1.1rem 0 .25rem;font-weight:600}\
.lead{margin:0 0 1.25rem;color:var(--muted)}\
.account{display:flex;align-items:center;gap:.75rem;padding:.75rem;border:1px solid var(--line);border-radius:10px}\
.avatar{flex:none;width:2.5rem;height:2.5rem;border-radius:50%;background:#ddf4ff;color:#0550ae;\
display:grid;place-items:center;font-weight:600}\
.who{min-width:0}.who strong{display:block}.who .line{display:block;color:var(--muted);font-size:.85rem;overflow-wrap:anywhere}\
h2{font-size:.9rem;color:var(--muted);margin:1.4rem 0 .4rem;font-weight:500}h2 span{color:var(--ink);font-weight:600}\
ul{list-style:none;margin:0;padding:0}\
li{display:flex;gap:.6rem;padding:.45rem 0;border-bottom:1px solid #eef1f4}li:last-child{border-bottom:0}\
li::before{content:\"\\2713\";color:#1a7f37;font-weight:700}\
li code{margin-left:auto;color:var(--muted);font-size:.8rem}\
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}\
.scope{margin:.5rem 0 0;color:var(--muted);font-size:.8rem}\
.actions{display:flex;gap:.75rem;margin-top:1.5rem}\
button{flex:1;font:inherit;font-weight:600;padding:.6rem 1rem;border-radius:8px;cursor:pointer;border:1px solid var(--line)}\
#approve{order:2;background:var(--accent);border-color:var(--accent);color:#fff}#approve:hover{background:#1a5fd0}\
#deny{order:1;background:#fff;color:var(--ink)}#deny:hover{background:var(--bg)}\
button:focus-visible{outline:2px solid var(--accent);outline-offset:2px}\
.note{margin:1.25rem 0 0;color:var(--muted);font-size:.8rem;text-align:center}";

/// What a scope lets the app do, in words; unknown scopes are shown as they are.
fn scope_in_words(scope: &str) -> String {
    let words = match scope {
        "openid" => "Confirm who you are",
        "profile" => "See your name, username and profile picture",
        "email" => "See your email address",
        "offline_access" => "Keep access while you are away",
        "read:user" => "Read your profile",
        "user:email" => "See your email addresses",
        "phone" => "See your phone number",
        "address" => "See your postal address",
        _ => return format!("Use \u{201c}{scope}\u{201d} on your account"),
    };
    words.to_owned()
}

/// Up to two initials of a display name, for the avatar.
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// The consent page. Every interpolated value is escaped; there is no script at all. The
/// ids are what tests read: `#approve` and `#deny` (the decision buttons, both in the page's
/// only form, which [`super::browser`] submits too), `#client`, `#user-name`, `#user-login`
/// and `#scope` (the requested scope exactly as sent).
fn render(request: &AuthorizeRequest, user: &super::MockUser) -> String {
    let mut hidden = String::new();
    for (field, value) in request.fields() {
        // Writing to a String cannot fail.
        let _ = writeln!(
            hidden,
            r#"<input type="hidden" name="{}" value="{}">"#,
            escape(field),
            escape(value)
        );
    }
    // What the app asks for, one line per scope; an empty scope still signs the user in.
    let scopes: Vec<&str> = request
        .scope
        .as_deref()
        .unwrap_or("")
        .split([' ', ','])
        .filter(|scope| !scope.is_empty())
        .collect();
    let mut items = String::from("<li>Know which account is yours</li>\n");
    for scope in &scopes {
        let _ = writeln!(
            items,
            "<li>{} <code>{}</code></li>",
            escape(&scope_in_words(scope)),
            escape(scope)
        );
    }
    let scope = match &request.scope {
        Some(scope) => format!(
            r#"<p class="scope">Requested scope: <code id="scope">{}</code></p>"#,
            escape(scope)
        ),
        None => String::new(),
    };
    let display_name = if user.name.is_empty() {
        &user.login
    } else {
        &user.name
    };
    let email = user
        .email
        .as_deref()
        .map(|email| {
            format!(
                r#"<span class="line" id="user-email">{}</span>"#,
                escape(email)
            )
        })
        .unwrap_or_default();
    // Where the decision sends the browser, so the user sees which site gets the answer.
    let destination = match request.redirect_url.port() {
        Some(port) => format!("{}:{port}", request.redirect_url.host_str().unwrap_or("")),
        None => request.redirect_url.host_str().unwrap_or("").to_owned(),
    };
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<main>
<div class="brand"><span class="logo" aria-hidden="true">M</span>Mock provider</div>
<h1>Sign in to <strong id="client">{client}</strong></h1>
<p class="lead">with your Mock provider account</p>
<div class="account">
<span class="avatar" aria-hidden="true">{initials}</span>
<div class="who"><strong id="user-name">{name}</strong><span class="line">@<span id="user-login">{login}</span></span>{email}</div>
</div>
<h2><span>{client}</span> will be able to</h2>
<ul id="permissions">
{items}</ul>
{scope}
<form method="post" action="{action}">
{hidden}<div class="actions">
<button id="approve" name="decision" value="approve">Approve</button>
<button id="deny" name="decision" value="deny">Deny</button>
</div>
</form>
<p class="note">Approving sends you back to <code>{destination}</code>. This is the coauth test suite's mock identity provider: no real account is involved.</p>
</main>
</body>
</html>
"#,
        title = escape(TITLE),
        style = STYLE,
        client = escape(&request.client_id),
        initials = escape(&initials(display_name)),
        name = escape(display_name),
        login = escape(&user.login),
        action = escape(DECISION_PATH),
        destination = escape(&destination),
    )
}

/// Escapes text for HTML element content and quoted attribute values.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
