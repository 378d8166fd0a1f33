//! The coauth browser client and its default stub pages, embedded as strings.
//!
//! `coauth.js` is a vanilla script (no dependencies, no build step) that runs under a
//! strict `Content-Security-Policy: script-src 'self'`. The same file plays four roles:
//! the client API on the app's page (`new coauth.Auth(base).auth(options, cb)`), the
//! popup's stub page while the provider loads, the result page that hands the provider's
//! redirect parameters back to the opener, and the frame transport's answer page.
//!
//! The adapters serve these strings at `{base}/coauth.js`, `{base}/coauth.mjs` (the same
//! client as an ES module), `{base}/auth_page`, `{base}/result_page` and, as the answer of
//! `POST {base}/result_frame`, the frame result page. The pages load the script by the
//! relative URL `coauth.js`, so they must be served next to it. Apps that host their own
//! pages start from `page_examples/`. [`COAUTH_D_TS`] types the whole client API for
//! TypeScript users.

/// The browser client, `coauth.js` (served as `text/javascript` at `{base}/coauth.js`).
pub const COAUTH_JS: &str = include_str!("../assets/coauth.js");

/// The client as an ES module (served as `text/javascript` at `{base}/coauth.mjs`): it
/// imports `coauth.js` next to it statically (which keeps the page's `coauth` global when
/// the page already has one), and exports its `Auth` (and the whole `coauth` object as the
/// default export). The npm package `coauth` ships these same files (`coauth-js/package.json`).
pub const COAUTH_MJS: &str = include_str!("../assets/coauth.mjs");

/// TypeScript declarations for `coauth.js` and `coauth.mjs`: the options, the callback and
/// Promise forms, the response and error objects, and the error codes.
pub const COAUTH_D_TS: &str = include_str!("../assets/coauth.d.ts");

/// The default auth page, the stub the popup shows while `auth_url` is fetched and the
/// provider loads (served as `text/html` at `{base}/auth_page`).
pub const AUTH_PAGE: &str = include_str!("../assets/auth_page.html");

/// The default result page, the provider's redirect target (served as `text/html` at
/// `{base}/result_page`, for GET and for `form_post` POST).
///
/// It contains [`RESULT_PARAMS_PLACEHOLDER`] exactly once, inside a
/// `<script type="application/json" id="coauth-params">` element.
pub const RESULT_PAGE: &str = include_str!("../assets/result_page.html");

/// The marker in [`RESULT_PAGE`] that the server replaces: with the POSTed redirect
/// parameters as a JSON object (escaped so that `<`, `>`, `&` and U+2028/U+2029 cannot end
/// the script element) for `form_post` responses, or with nothing for GET redirects, whose
/// parameters the script reads from the URL.
pub const RESULT_PARAMS_PLACEHOLDER: &str = "<!--coauth-params-->";

/// The answer page of the frame transport (`POST {base}/result_frame`, the client's
/// `authResultFrameRequest`). It contains [`FRAME_RESULT_PLACEHOLDER`] exactly once, inside a
/// `<script type="application/json" id="coauth-result">` element, and loads `coauth.js`,
/// which posts `{type, id, status, data}` to the parent window at the page's own origin.
pub const FRAME_RESULT_PAGE: &str = include_str!("../assets/frame_result.html");

/// The marker in [`FRAME_RESULT_PAGE`] that the server replaces with the answer as JSON
/// (`{"id", "status", "data"}`, escaped like the result page's parameters).
pub const FRAME_RESULT_PLACEHOLDER: &str = "<!--coauth-result-->";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_page_has_the_placeholder_once_inside_the_params_element() {
        assert_eq!(RESULT_PAGE.matches(RESULT_PARAMS_PLACEHOLDER).count(), 1);
        assert!(RESULT_PAGE.contains(&format!(
            r#"<script type="application/json" id="coauth-params">{RESULT_PARAMS_PLACEHOLDER}</script>"#
        )));
    }

    #[test]
    fn frame_result_page_has_the_placeholder_once_inside_the_data_element() {
        assert_eq!(
            FRAME_RESULT_PAGE.matches(FRAME_RESULT_PLACEHOLDER).count(),
            1
        );
        assert!(FRAME_RESULT_PAGE.contains(&format!(
            r#"<script type="application/json" id="coauth-result">{FRAME_RESULT_PLACEHOLDER}</script>"#
        )));
    }

    #[test]
    fn pages_load_the_script_by_role_and_carry_no_inline_code() {
        assert!(AUTH_PAGE.contains(r#"<script src="coauth.js" data-coauth-page="auth"></script>"#));
        assert!(
            RESULT_PAGE.contains(r#"<script src="coauth.js" data-coauth-page="result"></script>"#)
        );
        assert!(
            FRAME_RESULT_PAGE
                .contains(r#"<script src="coauth.js" data-coauth-page="frame-result"></script>"#)
        );
        for page in [AUTH_PAGE, RESULT_PAGE, FRAME_RESULT_PAGE] {
            let handler = page
                .split_whitespace()
                .any(|word| word.starts_with("on") && word.contains('='));
            assert!(!handler, "no inline event handlers");
            // coauth.js is the one script a page loads or runs: every other script element
            // is JSON data.
            assert_eq!(
                page.matches("<script").count(),
                page.matches("<script src=\"coauth.js\"").count()
                    + page.matches("<script type=\"application/json\"").count()
            );
            assert_eq!(page.matches("<script src=").count(), 1);
            assert!(!page.contains("style="), "no style attributes");
            assert!(!page.contains("<style"), "no style elements");
        }
    }

    #[test]
    fn client_avoids_what_a_strict_csp_blocks() {
        for banned in [
            "eval(",
            "new Function",
            "innerHTML",
            "outerHTML",
            "document.write",
            "'*'",
        ] {
            assert!(!COAUTH_JS.contains(banned), "coauth.js contains {banned}");
            assert!(!COAUTH_MJS.contains(banned), "coauth.mjs contains {banned}");
        }
    }

    #[test]
    fn module_loads_the_classic_script_next_to_it() {
        assert!(COAUTH_MJS.contains("import * as classic from './coauth.js';"));
        // No top-level await: bundlers inline the module into any output format.
        let mut code = COAUTH_MJS
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"));
        assert!(code.all(|line| !line.contains("await")));
        assert!(COAUTH_MJS.contains("export default coauth"));
        assert!(COAUTH_D_TS.contains("export class Auth"));
    }

    #[test]
    fn classic_script_is_also_a_commonjs_module() {
        // UMD-style: `require('coauth')` gets the API, and nothing touches `window` when
        // there is none.
        assert!(COAUTH_JS.contains("if (cjs) cjs.exports = api;"));
        assert!(COAUTH_JS.contains("typeof window == 'object' ? window : null"));
    }
}
