-- wrk script: POST {base}/result with a forged flow (the attack path): well-formed, from the
-- demo's origin with a binding cookie, but the flow is random bytes no key opens.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Origin"] = os.getenv("ORIGIN")
wrk.headers["Cookie"] = "coauth-binding=" .. string.rep("b", 43)
wrk.body = '{"providerType":"demo","flow":"' .. string.rep("A", 400) ..
  '","redirectUri":"' .. os.getenv("ORIGIN") .. '/coauth/result_page",' ..
  '"response":{"code":"c","state":"' .. string.rep("s", 43) .. '"}}'
