-- wrk script: POST {base}/auth_url as coauth.js sends it, from the demo's own origin.
-- The origin (ORIGIN env var) must be the demo's; wrk passes the URL's path prefix in.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Origin"] = os.getenv("ORIGIN")
wrk.headers["Cookie"] = "coauth-binding=" .. string.rep("b", 43)
wrk.body = '{"providerType":"demo","redirectUri":"' .. os.getenv("ORIGIN") .. '/coauth/result_page"}'
