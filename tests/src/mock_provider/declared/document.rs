//! The answers of the declared mode's profile and emails endpoints: the user's values placed
//! at the pointers the declaration reads, and the normalized user a client that reads them
//! as declared finds.

use coauth_core::presets::spec::{EmailVerified, OAuth2Preset, ProfileUrl};
use serde_json::{Map, Value, json};

use super::super::MockUser;

/// What `confirmed_at`-style fields ([`EmailVerified::PresentAt`]) hold for a verified email.
const CONFIRMED_AT: &str = "2021-03-14T09:26:53Z";

/// The profile answer for `user`, and the normalized user it carries (in coauth's JSON
/// names), before any hook of the preset. For a declaration whose user comes with the token
/// ([`OAuth2Preset::user_in_token`]), the answer is the token answer's fields that carry
/// the user.
pub(super) fn profile(spec: &OAuth2Preset, user: &MockUser) -> (Value, Value) {
    let fields = &spec.user;
    let mut object = Value::Object(Map::new());
    place_id(&mut object, fields.id, user);
    if let Some(pointer) = fields.name.first() {
        place(&mut object, pointer, json!(user.name));
    } else if let Some((first, last)) = fields.full_name {
        let (first_name, last_name) = user.name.split_once(' ').unwrap_or((&user.name, ""));
        place(&mut object, first, json!(first_name));
        place(&mut object, last, json!(last_name));
    }
    let email_in_profile = !spec.emails.is_some_and(|emails| emails.only_without_email);
    if let (Some(pointer), Some(email), true) =
        (fields.email.first(), &user.email, email_in_profile)
    {
        place(&mut object, pointer, json!(email));
    }
    if let Some(pointer) = fields.username.first() {
        place(&mut object, pointer, json!(user.login));
    }
    if let Some(pointer) = fields.avatar.first() {
        place(&mut object, pointer, json!(user.avatar_url));
    }
    if let ProfileUrl::Field(pointer) = fields.profile_url {
        place(&mut object, pointer, json!(user.profile_url));
    }
    match fields.email_verified {
        EmailVerified::Field(pointer) => place(&mut object, pointer, json!(user.email_verified)),
        EmailVerified::PresentAt(pointer) => {
            let at = if user.email_verified {
                json!(CONFIRMED_AT)
            } else {
                Value::Null
            };
            place(&mut object, pointer, at);
        }
        EmailVerified::Unknown
        | EmailVerified::ByHook
        | EmailVerified::Always
        | EmailVerified::Never => {}
    }
    let expected = normalized(spec, user, &object);
    let at = spec.user_in_token.unwrap_or(spec.profile.user_at);
    let mut answer = nest(at, object);
    if spec.user_in_token.is_none()
        && let Some((pointer, ok)) = spec.profile.success
    {
        place(&mut answer, pointer, json!(ok));
    }
    (answer, expected)
}

/// Puts `user`'s id at `pointer` of `document`: a numeric id as a JSON number, as most
/// providers send it (the profile's id, and the token answer's where the declaration reads
/// one there).
pub(super) fn place_id(document: &mut Value, pointer: &str, user: &MockUser) {
    let id = user
        .id
        .parse::<u64>()
        .map_or_else(|_| json!(user.id), |number| json!(number));
    place(document, pointer, id);
}

/// The emails answer for `user`: another, verified address that is not the primary one,
/// then the user's email as the primary entry (verified as the user's is), nested at the
/// declared `list_at`. `None` when the declaration has no emails call.
pub(super) fn emails(spec: &OAuth2Preset, user: &MockUser) -> Option<Value> {
    let call = spec.emails?;
    let entry = |email: &str, primary: bool, verified: bool| {
        let mut entry = Value::Object(Map::new());
        place(&mut entry, call.email, json!(email));
        place(&mut entry, call.primary, json!(primary));
        place(&mut entry, call.verified, json!(verified));
        entry
    };
    let mut list = vec![entry(
        &format!("noreply-{}@users.example.test", user.login),
        false,
        true,
    )];
    if let Some(email) = &user.email {
        list.push(entry(email, true, user.email_verified));
    }
    Some(nest(call.list_at, Value::Array(list)))
}

/// The user as a client reading `object` with the declaration finds it, emails call
/// included, in coauth's JSON names.
fn normalized(spec: &OAuth2Preset, user: &MockUser, object: &Value) -> Value {
    let fields = &spec.user;
    let first = |pointers: &[&str]| {
        pointers
            .iter()
            .find_map(|pointer| text(object, pointer))
            .map_or(Value::Null, Value::String)
    };
    let name = match (fields.name.is_empty(), fields.full_name) {
        (true, Some((first_name, last_name))) => {
            let joined = [text(object, first_name), text(object, last_name)]
                .into_iter()
                .flatten()
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            if joined.is_empty() {
                Value::Null
            } else {
                json!(joined)
            }
        }
        _ => first(fields.name),
    };
    let mut email = first(fields.email);
    let mut email_verified = if email.is_null() {
        Value::Null
    } else {
        match fields.email_verified {
            EmailVerified::Unknown | EmailVerified::ByHook => Value::Null,
            EmailVerified::Always => json!(true),
            EmailVerified::Never => json!(false),
            EmailVerified::Field(pointer) => object.pointer(pointer).cloned().unwrap_or_default(),
            EmailVerified::PresentAt(pointer) => {
                json!(object.pointer(pointer).is_some_and(|at| !at.is_null()))
            }
        }
    };
    if let (Some(call), Some(address)) = (spec.emails, &user.email)
        && (!call.only_without_email || email.is_null())
        && (user.email_verified || !call.verified_only)
    {
        email = json!(address);
        email_verified = json!(user.email_verified);
    }
    let profile_url = match fields.profile_url {
        ProfileUrl::None => Value::Null,
        ProfileUrl::Field(pointer) => first(&[pointer]),
        ProfileUrl::Template(template) => {
            fill_template(template, object).map_or(Value::Null, Value::String)
        }
    };
    json!({
        "id": first(&[fields.id]),
        "name": name,
        "username": first(fields.username),
        "email": email,
        "emailVerified": email_verified,
        "avatarUrl": first(fields.avatar),
        "profileUrl": profile_url,
    })
}

/// `value` nested at `pointer` of an otherwise empty document; `value` itself for an empty
/// pointer.
pub(super) fn nest(pointer: &str, value: Value) -> Value {
    let mut document = Value::Null;
    place(&mut document, pointer, value);
    document
}

/// Puts `value` at `pointer` of `document`, making the objects and arrays on the way (an
/// array where the next step is an index). A value already there stays: the first field
/// placed at a pointer wins, as when a declaration reads two fields from one place
/// (Spotify's username is its id).
pub(crate) fn place(document: &mut Value, pointer: &str, value: Value) {
    let mut slot = document;
    let steps: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|step| step.replace("~1", "/").replace("~0", "~"))
        .collect();
    for (at, step) in steps.iter().enumerate() {
        let next_is_index = steps
            .get(at + 1)
            .is_some_and(|next| next.parse::<usize>().is_ok());
        let empty = || {
            if next_is_index {
                Value::Array(Vec::new())
            } else {
                Value::Object(Map::new())
            }
        };
        let child = match step.parse::<usize>() {
            Ok(index) if slot.is_array() || slot.is_null() => {
                if slot.is_null() {
                    *slot = Value::Array(Vec::new());
                }
                let Value::Array(items) = slot else {
                    unreachable!("made an array above")
                };
                if items.len() <= index {
                    items.resize(index + 1, Value::Null);
                }
                &mut items[index]
            }
            _ => {
                if slot.is_null() {
                    *slot = Value::Object(Map::new());
                }
                let Value::Object(members) = slot else {
                    panic!("declared mock: {pointer} runs through a value that is not an object");
                };
                members.entry(step.clone()).or_insert(Value::Null)
            }
        };
        if at + 1 < steps.len() && child.is_null() {
            *child = empty();
        }
        slot = child;
    }
    if slot.is_null() {
        *slot = value;
    }
}

/// The value at `pointer` as text: strings as they are, numbers in decimal; an empty string
/// counts as absent.
fn text(document: &Value, pointer: &str) -> Option<String> {
    match document.pointer(pointer)? {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// `template` with each `{/pointer}` replaced by that value of `object`; `None` when one
/// is missing.
fn fill_template(template: &str, object: &Value) -> Option<String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{/") {
        let end = start + rest[start..].find('}')?;
        out.push_str(&rest[..start]);
        out.push_str(&text(object, &rest[start + 1..end])?);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_values_through_objects_and_arrays() {
        let mut document = Value::Null;
        place(&mut document, "/data/0/url", json!("a"));
        place(&mut document, "/data/0/size", json!(1));
        place(&mut document, "/links/html~1href", json!("b"));
        assert_eq!(
            document,
            json!({"data": [{"url": "a", "size": 1}], "links": {"html/href": "b"}})
        );
        // The first value placed at a pointer stays.
        place(&mut document, "/data/0/url", json!("c"));
        assert_eq!(document.pointer("/data/0/url"), Some(&json!("a")));
        assert_eq!(nest("", json!(1)), json!(1));
        assert_eq!(nest("/response/0", json!({})), json!({"response": [{}]}));
    }

    #[test]
    fn templates_read_the_object() {
        let object = json!({"id": 7, "login": "ada"});
        assert_eq!(
            fill_template("https://x.test/{/login}/{/id}", &object).as_deref(),
            Some("https://x.test/ada/7")
        );
        assert_eq!(fill_template("https://x.test/{/missing}", &object), None);
    }
}
