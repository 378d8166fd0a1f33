//! Microsoft Entra ID (v2.0 endpoints): the `common`, `organizations` and `consumers`
//! endpoints issue tokens of many tenants, so the issuer is the template
//! `https://login.microsoftonline.com/{tenantid}/v2.0`, filled from each ID token's own `tid`;
//! a single tenant named by its id has an exact issuer. A single tenant named by one of its
//! domain names (`contoso.onmicrosoft.com`, a verified custom domain) is accepted too: its
//! tokens' `iss` carries the tenant's id, which the name does not tell, so its issuer is the
//! template as well, and the tenant is pinned by its own endpoints (`/{domain}/oauth2/...`),
//! which issue tokens of that tenant only. Entra's `email` is not verified by default
//! (nOAuth): `emailVerified` is true only with the `xms_edov` claim.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::platform::{is_guid, is_host_name};
use super::spec::{EmailVerified, OidcPreset, PresetContext, UserFields, preset};
use crate::oauth2::ClientAuth;
use crate::oidc::claim_bool;
use crate::provider::User;
use crate::{ConfigError, Error};

/// Microsoft Entra ID, declared: `{tenant}` names the tenant in every path, and
/// `{issuer_tenant}` is the tenant in the issuer: the `{tenantid}` template, or the tenant's
/// own id.
const MICROSOFT: OidcPreset = OidcPreset {
    name: "Microsoft",
    issuer: "https://login.microsoftonline.com/{issuer_tenant}/v2.0",
    authorize: "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize",
    token: "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
    jwks: "https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys",
    // The userinfo endpoint is Microsoft Graph's; the ID token has what coauth needs.
    userinfo: None,
    client_auth: ClientAuth::Post,
    vars: &[("tenant", "common"), ("issuer_tenant", "{tenantid}")],
    user: UserFields {
        // Any tenant admin can set any `email`: only the xms_edov optional claim says the
        // domain owner verified it (the nOAuth lesson); see `verified_domain_owner`.
        email_verified: EmailVerified::ByHook,
        avatar: &[],
        profile_url: super::spec::ProfileUrl::None,
        ..UserFields::STANDARD_CLAIMS
    },
    claims_hook: Some(verified_domain_owner),
    check_vars: Some(check_tenant),
    ..OidcPreset::DEFAULT
};

preset! {
    oidc
    /// The Microsoft Entra ID preset.
    ///
    /// ```
    /// use coauth_core::presets::Microsoft;
    /// let any_account = Microsoft::new("client-id", "client-secret").build()?;
    /// let one_tenant = Microsoft::new("client-id", "client-secret")
    ///     .tenant("72f988bf-86f1-41af-91ab-2d7cd011db47")
    ///     .build()?;
    /// let by_domain = Microsoft::new("client-id", "client-secret")
    ///     .tenant("contoso.onmicrosoft.com")
    ///     .build()?;
    /// # let _ = (any_account, one_tenant, by_domain);
    /// # Ok::<(), coauth_core::ConfigError>(())
    /// ```
    Microsoft = MICROSOFT
}

impl Microsoft {
    /// `common` (the default: work, school and personal accounts), `organizations`,
    /// `consumers`, one tenant's id (a GUID; its tokens then must carry exactly that
    /// tenant's issuer), or one of a tenant's domain names (`contoso.onmicrosoft.com`; its
    /// tokens' issuer is filled from their `tid`, as for `common`, since the name does not
    /// tell the tenant's id). Anything else fails at `build`.
    pub fn tenant(mut self, tenant: impl Into<String>) -> Microsoft {
        let tenant = tenant.into();
        let issuer_tenant = match tenant_kind(&tenant) {
            Some(TenantKind::Id) => tenant.clone(),
            _ => "{tenantid}".to_owned(),
        };
        self.builder = self
            .builder
            .var("tenant", tenant)
            .var("issuer_tenant", issuer_tenant);
        self
    }
}

fn check_tenant(context: &PresetContext) -> Result<(), ConfigError> {
    let tenant = context.var("tenant");
    match tenant_kind(tenant) {
        Some(_) => Ok(()),
        None => Err(ConfigError(format!(
            "the Microsoft tenant {tenant:?} must be common, organizations, consumers, the \
             tenant id (a GUID) or one of its domain names"
        ))),
    }
}

/// `emailVerified` is true only with the `xms_edov` claim: the domain owner verified the
/// address.
fn verified_domain_owner(
    _: &PresetContext,
    claims: &Map<String, Value>,
    _: &BTreeMap<String, String>,
    user: &mut User,
) -> Result<(), Error> {
    // Like every preset: a verification only for an email there is.
    user.email_verified = user
        .email
        .as_ref()
        .map(|_| claim_bool(claims, "xms_edov") == Some(true));
    Ok(())
}

/// How a tenant is named in Entra's endpoint paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TenantKind {
    /// `common`, `organizations` or `consumers`: tokens of many tenants.
    Keyword,
    /// One tenant by its id, a GUID: the issuer names exactly that id.
    Id,
    /// One tenant by one of its domain names: the issuer names its id, which the name does
    /// not tell.
    DomainName,
}

fn tenant_kind(tenant: &str) -> Option<TenantKind> {
    if matches!(tenant, "common" | "organizations" | "consumers") {
        Some(TenantKind::Keyword)
    } else if is_guid(tenant) {
        Some(TenantKind::Id)
    } else if is_host_name(tenant) {
        Some(TenantKind::DomainName)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xms_edov_verifies_only_an_email_there_is() {
        let context = PresetContext {
            client_id: "c".into(),
            secret: crate::Secret::from("s"),
            vars: Vec::new(),
        };
        let verify = |email: Option<&str>, claims: Value| {
            let mut user = User {
                id: "u".into(),
                email: email.map(str::to_owned),
                ..User::default()
            };
            let claims = claims.as_object().expect("an object").clone();
            verified_domain_owner(&context, &claims, &BTreeMap::new(), &mut user).unwrap();
            user.email_verified
        };
        assert_eq!(
            verify(Some("a@x.test"), serde_json::json!({"xms_edov": true})),
            Some(true)
        );
        assert_eq!(verify(Some("a@x.test"), serde_json::json!({})), Some(false));
        assert_eq!(verify(None, serde_json::json!({"xms_edov": true})), None);
        assert_eq!(verify(None, serde_json::json!({})), None);
    }

    #[test]
    fn tenants_by_keyword_id_or_domain_name() {
        for (tenant, kind) in [
            ("common", TenantKind::Keyword),
            ("organizations", TenantKind::Keyword),
            ("consumers", TenantKind::Keyword),
            ("72f988bf-86f1-41af-91ab-2d7cd011db47", TenantKind::Id),
            ("contoso.onmicrosoft.com", TenantKind::DomainName),
            ("Contoso.OnMicrosoft.com", TenantKind::DomainName),
            ("login.contoso-eu.example", TenantKind::DomainName),
        ] {
            assert_eq!(tenant_kind(tenant), Some(kind), "{tenant}");
            assert!(
                Microsoft::new("c", "s").tenant(tenant).build().is_ok(),
                "{tenant}"
            );
        }
        for tenant in [
            "",
            "contoso",
            "contoso.onmicrosoft.com/",
            "contoso.onmicrosoft.com/../common",
            "a b.example",
            "-contoso.example",
            "contoso-.example",
            "contoso..example",
            "10.0.0.1",
            "contoso.example?x=1",
            "contoso.example#f",
            "72f988bf86f141af91ab2d7cd011db47abcd",
            "------------------------------------",
        ] {
            assert_eq!(tenant_kind(tenant), None, "{tenant:?}");
            assert!(
                Microsoft::new("c", "s").tenant(tenant).build().is_err(),
                "{tenant:?}"
            );
        }
    }

    #[test]
    fn a_domain_tenant_uses_its_own_endpoints_and_the_tid_template() {
        let provider = Microsoft::new("c", "s")
            .tenant("contoso.onmicrosoft.com")
            .build()
            .unwrap();
        let config = provider.config();
        assert_eq!(
            config.issuer,
            "https://login.microsoftonline.com/{tenantid}/v2.0"
        );
        let metadata = config.metadata.as_ref().unwrap();
        assert_eq!(
            metadata.authorization_endpoint.as_str(),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize"
        );
        assert_eq!(
            metadata.token_endpoint.as_str(),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
        );
        let by_id = Microsoft::new("c", "s")
            .tenant("72f988bf-86f1-41af-91ab-2d7cd011db47")
            .build()
            .unwrap();
        assert_eq!(
            by_id.config().issuer,
            "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0"
        );
    }
}
