#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

use std::io::Cursor;

use bytes::Bytes;
use coauth_core::{Resource, ResourceCreator};
use rocket::data::{Data, ToByteUnit};
use rocket::form::Form;
use rocket::http::{Method, Status};
use rocket::route::{Handler, Outcome, Route};
use rocket::{Request, Response};

mod signed_in;

pub use signed_in::{Renewed, SignedIn, SignedInError};

/// Every method rocket routes on: all of them reach the resource.
const METHODS: [Method; 9] = [
    Method::Get,
    Method::Head,
    Method::Post,
    Method::Put,
    Method::Delete,
    Method::Patch,
    Method::Options,
    Method::Trace,
    Method::Connect,
];

/// The routes of every coauth resource, each at its path ([`Resource::path`]: `/auth_url`,
/// `/result`, `/coauth.js`, ...) for every method. Mount them under any prefix with
/// [`rocket::Rocket::mount`].
pub fn routes(creator: &ResourceCreator) -> Vec<Route> {
    creator
        .resources()
        .into_iter()
        .flat_map(|resource| {
            METHODS.into_iter().map(move |method| {
                let path = resource.path();
                Route::new(method, path, ResourceHandler(resource.clone()))
            })
        })
        .collect()
}

/// The rocket handler of one coauth resource.
#[derive(Debug, Clone)]
pub struct ResourceHandler(pub Resource);

#[rocket::async_trait]
impl Handler for ResourceHandler {
    async fn handle<'r>(&self, request: &'r Request<'_>, data: Data<'r>) -> Outcome<'r> {
        let resource = &self.0;
        let answer = match read_limited(data, resource.body_limit()).await {
            Some(body) => resource.handle(translate_request(request, body)).await,
            None => resource.body_too_large(),
        };
        Outcome::Success(translate_response(request, answer))
    }
}

/// The whole body, or `None` when it is longer than `limit` (nothing more is read) or
/// cannot be read.
async fn read_limited(data: Data<'_>, limit: usize) -> Option<Bytes> {
    let capped = data.open(limit.bytes()).into_bytes().await.ok()?;
    capped
        .is_complete()
        .then(|| Bytes::from(capped.into_inner()))
}

fn translate_request(request: &Request<'_>, body: Bytes) -> http::Request<Bytes> {
    let method = sent_method(request, &body);
    let mut translated = http::Request::new(body);
    if let Ok(method) = http::Method::from_bytes(method.as_str().as_bytes()) {
        *translated.method_mut() = method;
    }
    if let Ok(uri) = request.uri().to_string().parse() {
        *translated.uri_mut() = uri;
    }
    let headers = translated.headers_mut();
    for header in request.headers().iter() {
        let name = http::HeaderName::from_bytes(header.name().as_str().as_bytes());
        let value = http::HeaderValue::from_bytes(header.value().as_bytes());
        if let (Ok(name), Ok(value)) = (name, value) {
            headers.append(name, value);
        }
    }
    translated
}

/// The method the client sent. Before routing, rocket turns a form `POST` whose first field
/// is `_method` into that field's method (its HTML-form override); the core answers the
/// `POST` the client sent, as with every other framework. The test mirrors rocket's own.
fn sent_method(request: &Request<'_>, body: &[u8]) -> Method {
    let method = request.method();
    let window = &body[..body.len().min("_method=delete".len())];
    let overridden = method != Method::Post
        && request.content_type().is_some_and(|ct| ct.is_form())
        && window.len() >= "_method=get".len()
        && std::str::from_utf8(window)
            .ok()
            .and_then(|raw| Form::values(raw).next())
            .filter(|field| field.name == "_method")
            .and_then(|field| field.value.parse::<Method>().ok())
            == Some(method);
    if overridden { Method::Post } else { method }
}

fn translate_response<'r>(request: &Request<'_>, answer: http::Response<Bytes>) -> Response<'r> {
    let (parts, body) = answer.into_parts();
    let mut response = Response::new();
    response.set_status(Status::new(parts.status.as_u16()));
    let mut length = body.len();
    for (name, value) in &parts.headers {
        // Rocket writes `Content-Length` from the body's size; for `HEAD` the core sends no
        // body and says in `Content-Length` how long the `GET` answer is.
        if name == http::header::CONTENT_LENGTH {
            if request.method() == Method::Head {
                length = value
                    .to_str()
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(length);
            }
            continue;
        }
        response.adjoin_raw_header(
            name.as_str().to_owned(),
            String::from_utf8_lossy(value.as_bytes()).into_owned(),
        );
    }
    response.set_sized_body(length, Cursor::new(body));
    response
}
