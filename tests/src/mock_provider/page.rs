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

/// The page title (and heading).
pub(super) const TITLE: &str = "Mock provider — sign in";

/// `GET /authorize` (Generic) or `GET /login/oauth/authorize` (GitHub).
pub(super) async fn authorize(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
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
    let (name, login) = {
        let state = shared.lock();
        (state.user.name.clone(), state.user.login.clone())
    };
    let mut page = respond::with_body(
        StatusCode::OK,
        respond::HTML,
        Body::from(render(&request, &name, &login)),
    );
    // Enforces the page's promise of no script. Deliberately narrow (no `default-src`): a
    // browser test that watches for CSP violations must not see the favicon fetch or the
    // inline style reported, and `form-action` stays open because the decision redirects
    // to the client's origin.
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

/// The consent page. Every interpolated value is escaped; there is no script at all.
fn render(request: &AuthorizeRequest, name: &str, login: &str) -> String {
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
    let scope = match &request.scope {
        Some(scope) => format!(
            r#"<p>Requested scope: <code id="scope">{}</code></p>"#,
            escape(scope)
        ),
        None => String::new(),
    };
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem auto;max-width:28rem}}button{{font-size:1rem;margin-right:.5rem;padding:.4rem 1.2rem}}</style>
</head>
<body>
<main>
<h1>{title}</h1>
<p><strong id="client">{client}</strong> asks to sign you in as <strong id="user-name">{name}</strong> (<span id="user-login">{login}</span>).</p>
{scope}
<form method="post" action="{action}">
{hidden}<button id="approve" name="decision" value="approve">Approve</button>
<button id="deny" name="decision" value="deny">Deny</button>
</form>
</main>
</body>
</html>
"#,
        title = escape(TITLE),
        client = escape(&request.client_id),
        name = escape(name),
        login = escape(login),
        action = escape(DECISION_PATH),
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
