//! One sign-in as a browser runs it: `auth_url` on the app, the consent page at the mock
//! provider, then `result` with the redirect parameters, the binding cookie and `Origin`.
//! Each flow's [`Kind`] is a function of its index, so the driver knows the outcome it must
//! end with before it starts.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{CONTENT_TYPE, COOKIE, LOCATION, ORIGIN, SET_COOKIE, USER_AGENT};
use http::{HeaderMap, Method, Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use url::Url;

/// Every request of the driver gives up after this long (a flow then fails).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// The header the proxy adds to name the backend server that answered.
pub(crate) const SERVED_BY: &str = "x-served-by";
/// The header each instance of the server adds to name itself (`s1/g0`, ...).
pub(crate) const INSTANCE: &str = "x-soak-instance";
/// The header that asks the proxy to send `result` to another instance than the one named.
pub(crate) const STARTED_ON: &str = "x-soak-started-on";
/// The user every mock signs in.
const USER_ID: &str = "mock-user-1";
const BROWSER: &str = "coauth-soak/1.0";

/// What a flow does and must end with, decided by its index alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    /// A normal sign-in: `200` with the user.
    Ok,
    /// The provider's token endpoint answers after the server's timeout.
    Slow,
    /// The token endpoint answers `502`.
    ServerError,
    /// The token endpoint resets the connection.
    Reset,
    /// The token endpoint answers truncated JSON.
    Malformed,
    /// The token endpoint answers a body over the client's 1 MiB cap.
    Oversize,
    /// The client's mistake: `result` without the binding cookie.
    NoCookie,
    /// The client's mistake: `result` from a foreign page (`Origin`, `Sec-Fetch-Site`).
    ForeignOrigin,
    /// The client's mistake: the sealed flow altered.
    TamperedFlow,
    /// The client's mistake: another `state` than the provider sent.
    WrongState,
}

/// Provider faults, one flow in 20 (5 %), in turn.
const FAULTS: [Kind; 5] = [
    Kind::Slow,
    Kind::ServerError,
    Kind::Reset,
    Kind::Malformed,
    Kind::Oversize,
];
/// Client mistakes, one flow in 50 (2 %), in turn.
const MISTAKES: [Kind; 4] = [
    Kind::NoCookie,
    Kind::ForeignOrigin,
    Kind::TamperedFlow,
    Kind::WrongState,
];

impl Kind {
    /// Flow `index`'s kind: faults at `index % 20 == 7`, mistakes at `index % 50 == 43`
    /// (never the same index: 43 mod 50 is 3 or 13 mod 20), the rest normal sign-ins.
    pub(crate) fn of(index: usize) -> Kind {
        if index % 20 == 7 {
            FAULTS[(index / 20) % FAULTS.len()]
        } else if index % 50 == 43 {
            MISTAKES[(index / 50) % MISTAKES.len()]
        } else {
            Kind::Ok
        }
    }

    /// Every kind, in report order.
    pub(crate) const ALL: [Kind; 10] = [
        Kind::Ok,
        Kind::Slow,
        Kind::ServerError,
        Kind::Reset,
        Kind::Malformed,
        Kind::Oversize,
        Kind::NoCookie,
        Kind::ForeignOrigin,
        Kind::TamperedFlow,
        Kind::WrongState,
    ];

    /// The fault the mock behind this kind's provider injects, if any.
    pub(crate) fn fault(self) -> Option<Kind> {
        FAULTS.contains(&self).then_some(self)
    }

    /// Whether the flow carries a mistake of the client's.
    pub(crate) fn is_mistake(self) -> bool {
        MISTAKES.contains(&self)
    }

    /// The app's provider the flow signs in with: one per fault, each backed by its own
    /// mock; mistakes use the healthy one.
    pub(crate) fn provider(self) -> &'static str {
        match self {
            Kind::Slow => "soak-slow",
            Kind::ServerError => "soak-5xx",
            Kind::Reset => "soak-reset",
            Kind::Malformed => "soak-malformed",
            Kind::Oversize => "soak-oversize",
            _ => "soak",
        }
    }

    /// The answer `result` must give.
    pub(crate) fn expected(self) -> Outcome {
        let (status, code) = match self {
            Kind::Ok => (200, None),
            Kind::Slow | Kind::Reset => (500, Some("ProviderConnectionError")),
            Kind::ServerError => (500, Some("ProviderTechnicalError")),
            Kind::Malformed | Kind::Oversize => (500, Some("ProviderError")),
            Kind::NoCookie | Kind::ForeignOrigin | Kind::TamperedFlow | Kind::WrongState => {
                (400, Some("InputError"))
            }
        };
        Outcome::Answer {
            status,
            code: code.map(str::to_owned),
        }
    }

    /// A short name for the report.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Kind::Ok => "sign-in",
            Kind::Slow => "fault: slow (> timeout)",
            Kind::ServerError => "fault: 502",
            Kind::Reset => "fault: connection reset",
            Kind::Malformed => "fault: malformed JSON",
            Kind::Oversize => "fault: oversize body",
            Kind::NoCookie => "mistake: no binding cookie",
            Kind::ForeignOrigin => "mistake: foreign Origin",
            Kind::TamperedFlow => "mistake: tampered flow",
            Kind::WrongState => "mistake: wrong state",
        }
    }
}

/// How a flow ended.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Outcome {
    /// `result` answered: its status and error code (`None` for a sign-in with the user).
    Answer {
        /// The HTTP status.
        status: u16,
        /// The error code, or `None` for a `200` that carries the signed-in user.
        code: Option<String>,
    },
    /// The flow broke before `result` answered as coauth answers (a step failed, a
    /// transport error, a timeout, a `200` without the user).
    Broken(String),
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Answer { status, code: None } => write!(f, "{status}"),
            Outcome::Answer {
                status,
                code: Some(code),
            } => write!(f, "{status} {code}"),
            Outcome::Broken(why) => write!(f, "broken: {why}"),
        }
    }
}

/// What the driver records of one flow.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub(crate) index: usize,
    pub(crate) kind: Kind,
    pub(crate) outcome: Outcome,
    /// Time of each step that completed.
    pub(crate) auth_url: Option<Duration>,
    pub(crate) consent: Option<Duration>,
    pub(crate) result: Option<Duration>,
    /// When `auth_url` was sent and `result` answered, from the phase's start.
    pub(crate) started_at: Duration,
    pub(crate) ended_at: Duration,
    /// The proxy's and the instance's names for who answered `auth_url` and `result`.
    pub(crate) auth_served_by: Option<String>,
    pub(crate) auth_instance: Option<String>,
    pub(crate) result_served_by: Option<String>,
    pub(crate) result_instance: Option<String>,
}

/// The pooled HTTP/1 client the driver talks to the app (or the proxy) with.
pub(crate) type AppClient = Client<HttpConnector, Full<Bytes>>;
/// The pooled client of the consent pages at the mocks, counting the connections it opens.
pub(crate) type MockClient = Client<Counting, Full<Bytes>>;

/// A new client for the app.
pub(crate) fn app_client() -> AppClient {
    Client::builder(TokioExecutor::new()).build_http()
}

/// A connector that counts the connections it opens, by port: the driver's own connections
/// to a mock, which the mock counts with the server's.
#[derive(Clone)]
pub(crate) struct Counting {
    inner: HttpConnector,
    opened: Arc<Mutex<HashMap<u16, usize>>>,
}

impl Counting {
    fn new() -> Counting {
        Counting {
            inner: HttpConnector::new(),
            opened: Arc::default(),
        }
    }

    /// Connections opened so far to `port`.
    pub(crate) fn opened(&self, port: u16) -> usize {
        self.opened
            .lock()
            .expect("the counter's lock is never poisoned")
            .get(&port)
            .copied()
            .unwrap_or(0)
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Connection = hyper_util::rt::TokioIo<tokio::net::TcpStream>;

impl tower::Service<Uri> for Counting {
    type Response = Connection;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Connection, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let port = uri.port_u16().unwrap_or(80);
        *self
            .opened
            .lock()
            .expect("the counter's lock is never poisoned")
            .entry(port)
            .or_default() += 1;
        let connecting = self.inner.call(uri);
        Box::pin(async move { connecting.await.map_err(Into::into) })
    }
}

/// A new client for the mocks' consent pages, and its counter.
pub(crate) fn mock_client() -> (MockClient, Counting) {
    let counting = Counting::new();
    let client = Client::builder(TokioExecutor::new()).build(counting.clone());
    (client, counting)
}

/// A browser: the app's cookies, kept from flow to flow as a browser keeps them.
#[derive(Debug, Default)]
pub(crate) struct Browser {
    jar: BTreeMap<String, String>,
}

impl Browser {
    /// The `Cookie` header for the app, if the browser has any cookie.
    fn cookie(&self) -> Option<String> {
        (!self.jar.is_empty()).then(|| {
            self.jar
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    /// Takes every `Set-Cookie` of an answer: a new value replaces the old one, and an
    /// expired cookie (`Max-Age=0` or less) is removed.
    fn store(&mut self, headers: &HeaderMap) {
        for value in headers.get_all(SET_COOKIE) {
            let Ok(text) = value.to_str() else { continue };
            let mut parts = text.split(';');
            let Some((name, value)) = parts.next().and_then(|pair| pair.trim().split_once('='))
            else {
                continue;
            };
            let expired = parts.any(|attribute| {
                let attribute = attribute.trim().to_ascii_lowercase();
                attribute
                    .strip_prefix("max-age=")
                    .and_then(|age| age.parse::<i64>().ok())
                    .is_some_and(|age| age <= 0)
            });
            if expired {
                self.jar.remove(name);
            } else {
                self.jar.insert(name.to_owned(), value.to_owned());
            }
        }
    }
}

/// Where and how flows run.
pub(crate) struct Target {
    /// The resources' base URL as browsers see it: `http://127.0.0.1:PORT/coauth`.
    pub(crate) base: String,
    /// The app page's origin, sent as `Origin`.
    pub(crate) origin: String,
    pub(crate) app: AppClient,
    pub(crate) mocks: MockClient,
    /// When the phase started; the records' times count from it.
    pub(crate) epoch: Instant,
    /// Up to this long at the consent page (a function of the index), `0` for none.
    pub(crate) think: Duration,
    /// Behind the proxy: ask it to send `result` to another instance than `auth_url`'s.
    pub(crate) cross: bool,
}

/// An answer, read whole.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Answer {
    fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    }

    fn text(&self) -> String {
        let body = String::from_utf8_lossy(&self.body);
        body.chars().take(200).collect()
    }
}

async fn send<C>(
    client: &Client<C, Full<Bytes>>,
    request: Request<Full<Bytes>>,
) -> Result<Answer, String>
where
    C: hyper_util::client::legacy::connect::Connect + Clone + Send + Sync + 'static,
{
    let what = format!("{} {}", request.method(), request.uri().path());
    let exchange = async {
        let response = client.request(request).await.map_err(|e| chain(&e))?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await.map_err(|e| chain(&e))?.to_bytes();
        Ok::<_, String>(Answer {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    };
    match tokio::time::timeout(REQUEST_TIMEOUT, exchange).await {
        Ok(Ok(answer)) => Ok(answer),
        Ok(Err(error)) => Err(format!("{what}: {error}")),
        Err(_) => Err(format!("{what}: no answer in {REQUEST_TIMEOUT:?}")),
    }
}

/// An error with its causes.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}

/// Runs flow `index` in `browser`.
pub(crate) async fn run(target: &Target, browser: &mut Browser, index: usize) -> Record {
    let kind = Kind::of(index);
    let mut record = Record {
        index,
        kind,
        outcome: Outcome::Broken("not run".into()),
        auth_url: None,
        consent: None,
        result: None,
        started_at: target.epoch.elapsed(),
        ended_at: Duration::ZERO,
        auth_served_by: None,
        auth_instance: None,
        result_served_by: None,
        result_instance: None,
    };
    if let Err(why) = steps(target, browser, &mut record).await {
        record.outcome = Outcome::Broken(why);
    }
    record.ended_at = target.epoch.elapsed();
    record
}

async fn steps(target: &Target, browser: &mut Browser, record: &mut Record) -> Result<(), String> {
    let kind = record.kind;
    let provider = kind.provider();
    let redirect_uri = format!("{}/result_page", target.base);

    // 1. auth_url, from the app's page.
    let body = json!({"providerType": provider, "redirectUri": redirect_uri});
    let mut request = app_post(&format!("{}/auth_url", target.base))
        .header(ORIGIN, &target.origin)
        .header("sec-fetch-site", "same-origin");
    if let Some(cookie) = browser.cookie() {
        request = request.header(COOKIE, cookie);
    }
    let at = Instant::now();
    let answer = send(&target.app, body_of(request, &body)).await?;
    record.auth_url = Some(at.elapsed());
    record.auth_served_by = answer.header(SERVED_BY);
    record.auth_instance = answer.header(INSTANCE);
    if answer.status != StatusCode::OK {
        return Err(format!(
            "auth_url answered {}: {}",
            answer.status,
            answer.text()
        ));
    }
    browser.store(&answer.headers);
    let started: Value = serde_json::from_slice(&answer.body)
        .map_err(|_| format!("auth_url answered no JSON: {}", answer.text()))?;
    let (Some(url), Some(flow)) = (started["url"].as_str(), started["flow"].as_str()) else {
        return Err(format!("auth_url answered no url or flow: {started}"));
    };

    // 2. The popup at the provider: the consent page, then Approve.
    let at = Instant::now();
    let arrival = consent(&target.mocks, url).await?;
    record.consent = Some(at.elapsed());
    if !arrival.as_str().starts_with(&redirect_uri) {
        return Err(format!("the provider redirected elsewhere: {arrival}"));
    }
    if !target.think.is_zero() {
        let millis = target.think.as_millis() as usize;
        let pause = (record.index.wrapping_mul(7919)) % millis.max(1);
        tokio::time::sleep(Duration::from_millis(pause as u64)).await;
    }

    // 3. The result page hands the redirect parameters over; coauth.js posts them.
    let mut response: serde_json::Map<String, Value> = arrival
        .query_pairs()
        .map(|(name, value)| (name.into_owned(), Value::String(value.into_owned())))
        .collect();
    let mut flow = flow.to_owned();
    match kind {
        Kind::WrongState => {
            response.insert("state".into(), Value::String("not-the-flows-state".into()));
        }
        Kind::TamperedFlow => flow = tampered(&flow),
        _ => {}
    }
    // The result page reports where the answer arrived: location.origin + location.pathname.
    let arrived = format!(
        "{}{}",
        arrival.origin().ascii_serialization(),
        arrival.path()
    );
    let body = json!({"providerType": provider, "flow": flow, "response": response,
        "redirectUri": arrived});
    let mut request = app_post(&format!("{}/result", target.base));
    if kind == Kind::ForeignOrigin {
        // The same request from another site's page, as a browser sends it.
        request = request
            .header(ORIGIN, "https://elsewhere.example")
            .header("sec-fetch-site", "cross-site");
    } else {
        request = request
            .header(ORIGIN, &target.origin)
            .header("sec-fetch-site", "same-origin");
    }
    if kind != Kind::NoCookie
        && let Some(cookie) = browser.cookie()
    {
        request = request.header(COOKIE, cookie);
    }
    if target.cross {
        let started_on = record
            .auth_served_by
            .clone()
            .ok_or("the proxy did not say which instance answered auth_url")?;
        request = request.header(STARTED_ON, started_on);
    }
    let at = Instant::now();
    let answer = send(&target.app, body_of(request, &body)).await?;
    record.result = Some(at.elapsed());
    record.result_served_by = answer.header(SERVED_BY);
    record.result_instance = answer.header(INSTANCE);
    browser.store(&answer.headers);
    record.outcome = result_outcome(&answer, provider);
    Ok(())
}

/// A JSON POST from the app's page; the caller adds `Origin`, `Sec-Fetch-Site` and the
/// cookies.
fn app_post(url: &str) -> http::request::Builder {
    Request::builder()
        .method(Method::POST)
        .uri(url)
        .header(CONTENT_TYPE, "application/json")
        .header(USER_AGENT, BROWSER)
}

fn body_of(builder: http::request::Builder, body: &Value) -> Request<Full<Bytes>> {
    builder
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("the driver builds valid requests")
}

/// What `result` answered: `200` with the user, or coauth's error code.
fn result_outcome(answer: &Answer, provider: &str) -> Outcome {
    let Ok(body) = serde_json::from_slice::<Value>(&answer.body) else {
        return Outcome::Broken(format!(
            "result answered {} without JSON: {}",
            answer.status,
            answer.text()
        ));
    };
    if answer.status == StatusCode::OK {
        if body["user"]["id"] == USER_ID && body["providerType"] == provider {
            return Outcome::Answer {
                status: 200,
                code: None,
            };
        }
        return Outcome::Broken(format!("200 without the user: {body}"));
    }
    match body["code"].as_str() {
        Some(code) => Outcome::Answer {
            status: answer.status.as_u16(),
            code: Some(code.to_owned()),
        },
        None => Outcome::Broken(format!(
            "result answered {} without a code: {}",
            answer.status,
            answer.text()
        )),
    }
}

/// The flow with one character in its middle changed (still base64url).
fn tampered(flow: &str) -> String {
    let mut bytes = flow.as_bytes().to_vec();
    let middle = bytes.len() / 2;
    if let Some(byte) = bytes.get_mut(middle) {
        *byte = if *byte == b'A' { b'B' } else { b'A' };
    }
    String::from_utf8(bytes).expect("base64url stays ASCII")
}

/// The user at the provider: loads the consent page, presses Approve, and returns where
/// the provider redirects the popup (not followed: that is the app's result page).
async fn consent(client: &MockClient, authorize_url: &str) -> Result<Url, String> {
    let page_url = Url::parse(authorize_url).map_err(|e| format!("bad authorization URL ({e})"))?;
    let request = Request::get(page_url.as_str())
        .header(USER_AGENT, BROWSER)
        .body(Full::default())
        .map_err(|e| e.to_string())?;
    let page = send(client, request).await?;
    if page.status != StatusCode::OK {
        return Err(format!(
            "consent page answered {}: {}",
            page.status,
            page.text()
        ));
    }
    let html = std::str::from_utf8(&page.body).map_err(|_| "consent page is not UTF-8")?;
    let (action, mut fields) = form(html)?;
    fields.push(("decision".into(), "approve".into()));
    let action = page_url
        .join(&action)
        .map_err(|e| format!("bad form action ({e})"))?;
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&fields)
        .finish();
    let request = Request::post(action.as_str())
        .header(USER_AGENT, BROWSER)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(ORIGIN, page_url.origin().ascii_serialization())
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let answer = send(client, request).await?;
    if !answer.status.is_redirection() {
        return Err(format!(
            "Approve answered {}: {}",
            answer.status,
            answer.text()
        ));
    }
    let location = answer
        .header(LOCATION.as_str())
        .ok_or("Approve answered a redirect without Location")?;
    action
        .join(&location)
        .map_err(|e| format!("bad Location ({e})"))
}

/// The consent form's action and hidden fields (the mock's page: one form, attribute
/// values in double quotes, HTML-escaped).
fn form(html: &str) -> Result<(String, Vec<(String, String)>), String> {
    let start = html.find("<form").ok_or("the consent page has no form")?;
    let end = html[start..]
        .find("</form>")
        .map_or(html.len(), |at| start + at);
    let form = &html[start..end];
    let head_end = form.find('>').ok_or("unterminated <form> tag")?;
    let action = attribute(&form[..head_end], "action").unwrap_or_default();
    let mut fields = Vec::new();
    for input in form.split("<input").skip(1) {
        let tag = &input[..input.find('>').unwrap_or(input.len())];
        if attribute(tag, "type").as_deref() == Some("hidden")
            && let Some(name) = attribute(tag, "name")
        {
            fields.push((name, attribute(tag, "value").unwrap_or_default()));
        }
    }
    Ok((action, fields))
}

/// The unescaped value of `name="..."` in a tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = start + tag[start..].find('"')?;
    Some(
        tag[start..end]
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_five_percent_faults_and_two_percent_mistakes() {
        let mut counts: BTreeMap<Kind, usize> = BTreeMap::new();
        for index in 0..10_000 {
            *counts.entry(Kind::of(index)).or_default() += 1;
        }
        for fault in FAULTS {
            assert_eq!(counts[&fault], 100, "{fault:?}");
        }
        for mistake in MISTAKES {
            assert_eq!(counts[&mistake], 50, "{mistake:?}");
        }
        assert_eq!(counts[&Kind::Ok], 10_000 - 500 - 200);
        // The short run still has every kind.
        let short: std::collections::BTreeSet<Kind> = (0..300).map(Kind::of).collect();
        assert_eq!(short.len(), Kind::ALL.len());
    }

    #[test]
    fn the_jar_keeps_the_latest_cookie_and_drops_expired_ones() {
        let mut browser = Browser::default();
        let mut headers = HeaderMap::new();
        headers.append(
            SET_COOKIE,
            "coauth-binding=one; Path=/; HttpOnly".parse().unwrap(),
        );
        browser.store(&headers);
        assert_eq!(browser.cookie().as_deref(), Some("coauth-binding=one"));
        let mut headers = HeaderMap::new();
        headers.append(SET_COOKIE, "coauth-binding=two; HttpOnly".parse().unwrap());
        headers.append(SET_COOKIE, "other=x; Max-Age=60".parse().unwrap());
        browser.store(&headers);
        assert_eq!(
            browser.cookie().as_deref(),
            Some("coauth-binding=two; other=x")
        );
        let mut headers = HeaderMap::new();
        headers.append(SET_COOKIE, "other=; Max-Age=0".parse().unwrap());
        browser.store(&headers);
        assert_eq!(browser.cookie().as_deref(), Some("coauth-binding=two"));
    }

    #[test]
    fn the_consent_form_is_read_unescaped() {
        let html = r#"<p>x</p><form method="post" action="/authorize/decision">
<input type="hidden" name="state" value="a&amp;b&quot;c">
<input type="hidden" name="redirect_uri" value="http://127.0.0.1:1/coauth/result_page">
<button id="approve" name="decision" value="approve">Approve</button></form>"#;
        let (action, fields) = form(html).unwrap();
        assert_eq!(action, "/authorize/decision");
        assert_eq!(
            fields,
            [
                ("state".to_owned(), "a&b\"c".to_owned()),
                (
                    "redirect_uri".to_owned(),
                    "http://127.0.0.1:1/coauth/result_page".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn a_tampered_flow_differs_in_one_character() {
        let flow = "AQAAAAAxyz";
        let changed = tampered(flow);
        assert_eq!(changed.len(), flow.len());
        assert_eq!(
            flow.chars()
                .zip(changed.chars())
                .filter(|(a, b)| a != b)
                .count(),
            1
        );
    }
}
