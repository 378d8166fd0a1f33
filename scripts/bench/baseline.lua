-- wrk script: the same request as auth_url.lua, to the bench server's bare axum handler.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Origin"] = os.getenv("ORIGIN")
wrk.headers["Cookie"] = "coauth-binding=" .. string.rep("b", 43)
wrk.body = '{"providerType":"demo","redirectUri":"' .. os.getenv("ORIGIN") .. '/coauth/result_page"}'
