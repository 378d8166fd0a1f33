//! The conformance suite: every HTTP behaviour of the coauth resources, asserted once and run
//! against every adapter, in process and over a real socket.
//!
//! An adapter takes part by implementing [`Harness`] (mount the resources under a prefix,
//! and the app's routes that read the signed-in user through the adapter when sessions are
//! on; send one request in process; serve on `127.0.0.1:0`) and calling [`run`] from a test
//! target with `harness = false`. The cases are data ([`CASES`]): a case added here runs
//! against every adapter without touching one. Each case shows up in the test output as
//! `{adapter}::{transport}::{area}::{case}`, for example
//! `rocket::socket::script::served_with_etag_and_revalidation`.
//!
//! The axum glue is [`crate::fixture::Axum`] (tests/src/fixture/axum.rs), which the other
//! HTTP tests share; its test target, tests/tests/conformance_axum.rs, is one call:
//! `coauth_tests::conformance::run::<coauth_tests::fixture::Axum>()`.

mod cookies;
mod early;
mod errors;
mod flow;
mod frame;
mod handlers;
mod linking;
mod origin;
mod pages;
mod refusals;
mod requests;
mod routing;
mod script;
mod sessions;

use libtest_mimic::{Arguments, Trial};

pub use crate::fixture::{Adapter, Harness, LocalBoxFuture, TRANSPORTS, Transport};

/// One conformance case.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// `area::case`, as the test output shows it after the adapter and transport.
    pub name: &'static str,
    /// Runs the case; it panics on a failure.
    pub run: fn(Adapter) -> LocalBoxFuture<'static, ()>,
}

macro_rules! cases {
    ($($area:ident :: $case:ident),* $(,)?) => {
        /// Every conformance case. Each one runs against every adapter and transport.
        pub const CASES: &[Case] = &[$(
            Case {
                name: concat!(stringify!($area), "::", stringify!($case)),
                run: |adapter| Box::pin($area::$case(adapter)),
            }
        ),*];
    };
}

cases![
    flow::sign_in_succeeds_and_keeps_tokens_from_the_browser,
    flow::flow_answers_are_json_and_never_stored,
    flow::credentials_reach_the_browser_only_on_opt_in,
    flow::result_hook_sees_credentials_and_builds_the_answer,
    flow::every_set_cookie_of_the_answer_arrives,
    flow::denial_is_user_denied_without_a_token_call,
    flow::posted_tokens_are_ignored_and_codes_cannot_be_replayed,
    flow::a_code_bound_to_one_flow_cannot_be_redeemed_with_another,
    early::a_waiting_request_gets_the_answer_that_reaches_the_result_page,
    early::an_answer_nobody_waits_for_is_left_to_the_app_s_page,
    early::a_denial_reaches_the_waiting_request_as_the_error_it_is,
    early::only_the_flow_s_browser_and_window_hand_the_answer_over,
    early::a_form_post_answer_is_handed_over_too,
    early::a_result_hook_s_204_for_a_taken_sign_in_arrives_as_200,
    early::a_waiting_request_passes_the_checks_of_any_result_request,
    cookies::binding_cookie_has_safe_attributes_and_is_reused,
    cookies::loopback_http_origin_gets_a_non_secure_cookie,
    cookies::binding_cookie_is_found_in_any_cookie_header,
    cookies::a_flow_started_late_in_the_cookies_life_finishes,
    origin::auth_url_refusals,
    origin::no_cross_origin_access_is_granted,
    refusals::result_refusals_happen_before_any_provider_call,
    refusals::answers_arriving_at_another_redirect_uri_are_refused,
    linking::linking_succeeds_in_the_same_session_and_names_the_user,
    linking::auth_url_needs_a_signed_in_user,
    linking::result_needs_the_session_that_started_the_flow,
    linking::a_session_change_mid_flow_is_refused,
    linking::an_attackers_link_tuple_in_the_victims_session_is_refused,
    linking::plain_sign_in_needs_no_session_hook,
    requests::every_other_method_is_405_with_allow,
    requests::malformed_requests_are_validation_errors,
    requests::json_content_type_is_matched_as_a_media_type,
    requests::body_limit_is_exact,
    requests::large_body_gets_413_before_it_is_read,
    errors::provider_failures_map_to_the_error_table,
    errors::hanging_provider_is_a_connection_error_within_the_timeout,
    script::served_with_etag_and_revalidation,
    script::if_none_match_forms,
    pages::cannot_be_framed_cached_or_leak_a_referrer,
    pages::head_answers_headers_without_a_body,
    pages::result_page_get_with_the_providers_query,
    pages::form_post_answer_is_embedded_as_inert_json,
    pages::result_page_post_takes_only_a_form,
    pages::a_form_whose_first_field_is_method_stays_a_post,
    pages::a_form_post_repeating_a_parameter_is_refused,
    routing::resources_answer_under_any_prefix,
    frame::a_same_origin_form_finishes_the_sign_in_and_the_page_carries_the_result,
    frame::sec_fetch_site_may_be_absent_but_an_allowed_origin_is_required,
    frame::cross_site_foreign_or_unbound_forms_are_refused_before_any_provider_call,
    frame::malformed_forms_are_validation_errors_and_never_echo_a_bad_id,
    frame::only_form_posts_are_answered_and_result_still_takes_json_only,
    frame::provider_errors_and_messages_reach_the_page_escaped,
    frame::the_result_hook_answers_through_the_frame_and_sees_the_extra_fields,
    frame::the_resource_list_names_the_frame_and_module_resources,
    handlers::a_signed_in_user_reaches_the_handlers,
    handlers::requests_without_a_valid_session_are_signed_out,
    handlers::an_idle_session_is_signed_out,
    handlers::past_half_the_idle_timeout_the_handlers_answer_renews_the_session,
    sessions::a_sign_in_sets_a_host_only_http_only_lax_secure_cookie,
    sessions::a_loopback_http_origin_gets_a_plain_cookie_an_https_app_ignores,
    sessions::the_frame_transport_starts_a_session_too,
    sessions::no_session_cookie_when_sessions_are_off_or_the_sign_in_fails,
    sessions::a_result_hook_refuses_the_session_by_an_error_or_a_non_success_answer,
    sessions::claims_from_the_result_hook_reach_the_session,
    sessions::session_answers_the_signed_in_user_and_is_never_stored,
    sessions::session_is_401_without_a_session_or_cross_site,
    sessions::session_takes_get_and_head_and_sign_out_post_only,
    sessions::renewal_past_half_the_idle_timeout_outlives_the_idle_end,
    sessions::the_absolute_lifetime_ends_a_session_however_active,
    sessions::the_idle_timeout_ends_an_unused_session,
    sessions::a_session_of_the_previous_secret_moves_to_the_current_one,
    sessions::a_tampered_cookie_in_any_byte_is_not_signed_in,
    sessions::a_foreign_or_oversize_cookie_is_not_signed_in,
    sessions::sign_out_clears_the_session_cookie,
    sessions::sign_out_is_refused_to_other_sites_and_other_media_types,
    sessions::linking_uses_the_session_as_the_signed_in_user,
    sessions::linking_without_a_session_is_refused_at_auth_url,
];

/// Runs every case against `H` over both transports with libtest's command line and output
/// (`cargo test --test conformance_axum -- script::` runs the script cases only), then
/// exits.
pub fn run<H: Harness>() -> ! {
    let arguments = Arguments::from_args();
    let capture = crate::log_capture::install();
    let trials = TRANSPORTS
        .into_iter()
        .flat_map(|transport| {
            CASES.iter().map(move |case| {
                let case = *case;
                Trial::test(
                    format!("{}::{transport}::{}", H::NAME, case.name),
                    move || {
                        let runtime = tokio::runtime::Builder::new_current_thread()
                            .enable_all()
                            .build()
                            .map_err(|e| format!("no tokio runtime: {e}"))?;
                        runtime.block_on((case.run)(Adapter::new::<H>(transport)));
                        Ok(())
                    },
                )
            })
        })
        .collect();
    let conclusion = libtest_mimic::run(&arguments, trials);
    // After every case: what they logged (each step, refusal and failure) has no secret.
    // Every case ran (no filter): the log must show the steps and refusals they make.
    let whole_suite = arguments.filter.is_none() && arguments.skip.is_empty();
    if let Err(failure) = logs_carry_no_secret(&capture.text(), whole_suite) {
        eprintln!("{}::logs_carry_no_secret FAILED: {failure}", H::NAME);
        std::process::exit(101);
    }
    println!("{}::logs_carry_no_secret ... ok", H::NAME);
    conclusion.exit()
}

/// The conformance cases' logs: steps and refusals are there (when the whole suite ran),
/// secrets and session cookies are not.
fn logs_carry_no_secret(log: &str, whole_suite: bool) -> Result<(), String> {
    let expected: &[&str] = if whole_suite {
        &[
            "coauth.auth_url",
            "coauth.result",
            "step refused",
            "InputError",
            // A bad session cookie is "not signed in", logged at debug with the reason only.
            "coauth session cookie refused",
        ]
    } else {
        &[]
    };
    for expected in expected {
        if !log.contains(expected) {
            return Err(format!("the conformance run logged no {expected:?}"));
        }
    }
    let mock = crate::mock_provider::MockConfig::default();
    // The session cookies the cases saw are as good as the sessions: none may be logged.
    let sessions = sessions::session_values_seen();
    if whole_suite && sessions.is_empty() {
        return Err("the session cases saw no session cookie".into());
    }
    let secrets: Vec<&str> = [
        crate::fixture::SECRET,
        mock.client_secret.as_str(),
        sessions::OLD_SECRET,
        sessions::FOREIGN_SECRET,
    ]
    .into_iter()
    .chain(sessions.iter().map(String::as_str))
    .collect();
    std::panic::catch_unwind(|| crate::log_capture::assert_no_secrets(log, &secrets)).map_err(
        |panic| {
            panic
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "a secret reached the log".into())
        },
    )
}
