#!/usr/bin/env python3
"""An OAuth 1.0a provider built on Python's oauthlib, for coauth's interop tests.

An independent implementation of RFC 5849 (oauthlib's WebApplicationServer and its own
signature code) on loopback, shaped like Twitter so coauth's Twitter preset can sign in
against it:

    POST /oauth/request_token                   temporary credentials (callback confirmed)
    GET  /oauth/authenticate, /oauth/authorize  auto-approve: 302 callback?oauth_token&oauth_verifier
    GET  /oauth/deny                            the user refuses: 302 callback?denied=<token>
    POST /oauth/access_token                    token credentials, once per request token
    GET  /1.1/account/verify_credentials.json   the user, signed with the access token

Run: python3 oauth1_provider.py --client-key KEY --client-secret SECRET --callback URL
It binds 127.0.0.1 on a free port and prints "PORT <n>" on the first line of stdout.
Refused requests are explained on stderr. Python 3.8+ and oauthlib 3.2 or 4.x.
"""

import argparse
import json
import secrets
import string
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from oauthlib.oauth1 import RequestValidator, WebApplicationServer

USER = {
    "id": 2244994945,
    "id_str": "2244994945",
    "name": "Interop User",
    "screen_name": "oauthlib_user",
    "email": "interop@example.test",
    "profile_image_url_https": "https://pbs.example.test/interop.png",
}


class Validator(RequestValidator):
    """In-memory store for one consumer, with oauthlib's format rules relaxed for tests."""

    # Loopback runs over plain http.
    enforce_ssl = False
    # coauth's nonces are 32 hex characters and the consumer key has dashes; oauthlib's
    # defaults accept only 20-30 alphanumerics.
    safe_characters = set(string.ascii_letters + string.digits + "-_")
    client_key_length = (3, 64)
    request_token_length = (10, 64)
    access_token_length = (10, 64)
    nonce_length = (8, 64)
    verifier_length = (10, 64)
    allowed_signature_methods = ("HMAC-SHA1",)

    def __init__(self, client_key, client_secret, callback):
        super().__init__()
        self.client_key = client_key
        self.client_secret = client_secret
        self.callback = callback
        self.lock = threading.Lock()
        self.request_tokens = {}  # token -> {"secret", "callback", "verifier"}
        self.access_tokens = {}  # token -> secret
        self.nonces = set()

    @property
    def dummy_client(self):
        return "dummy-client"

    @property
    def dummy_request_token(self):
        return "dummy-request-token"

    @property
    def dummy_access_token(self):
        return "dummy-access-token"

    def validate_client_key(self, client_key, request):
        return client_key == self.client_key

    def get_client_secret(self, client_key, request):
        # The dummy client gets a secret too, so timing does not reveal valid keys.
        return self.client_secret if client_key == self.client_key else "dummy-secret"

    def validate_timestamp_and_nonce(self, client_key, timestamp, nonce, request,
                                     request_token=None, access_token=None):
        key = (client_key, timestamp, nonce, request_token, access_token)
        with self.lock:
            if key in self.nonces:
                return False
            self.nonces.add(key)
            return True

    def get_default_realms(self, client_key, request):
        return []

    def validate_requested_realms(self, client_key, realms, request):
        return True

    def validate_redirect_uri(self, client_key, redirect_uri, request):
        return redirect_uri == self.callback

    def save_request_token(self, token, request):
        with self.lock:
            self.request_tokens[token["oauth_token"]] = {
                "secret": token["oauth_token_secret"],
                "callback": request.redirect_uri,
                "verifier": None,
            }

    def verify_request_token(self, token, request):
        with self.lock:
            return token in self.request_tokens

    def get_realms(self, token, request):
        return []

    def verify_realms(self, token, realms, request):
        return True

    def get_redirect_uri(self, token, request):
        with self.lock:
            return self.request_tokens[token]["callback"]

    def save_verifier(self, token, verifier, request):
        with self.lock:
            self.request_tokens[token]["verifier"] = verifier["oauth_verifier"]

    def validate_request_token(self, client_key, token, request):
        with self.lock:
            return token in self.request_tokens

    def get_request_token_secret(self, client_key, token, request):
        with self.lock:
            entry = self.request_tokens.get(token)
        return entry["secret"] if entry else "dummy-request-secret"

    def validate_verifier(self, client_key, token, verifier, request):
        with self.lock:
            entry = self.request_tokens.get(token)
        return bool(entry and entry["verifier"] and
                    secrets.compare_digest(entry["verifier"], verifier))

    def invalidate_request_token(self, client_key, request_token, request):
        with self.lock:
            self.request_tokens.pop(request_token, None)

    def save_access_token(self, token, request):
        with self.lock:
            self.access_tokens[token["oauth_token"]] = token["oauth_token_secret"]

    def validate_access_token(self, client_key, token, request):
        with self.lock:
            return token in self.access_tokens

    def get_access_token_secret(self, client_key, token, request):
        with self.lock:
            return self.access_tokens.get(token, "dummy-access-secret")

    def validate_realms(self, client_key, token, request, uri=None, realms=None):
        return True


def with_query(url, pairs):
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + pairs
    return urlunsplit(parts._replace(query=urlencode(query)))


def make_handler(server, validator):
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.0: one request per connection, so a pooled client never waits on us.
        protocol_version = "HTTP/1.0"

        def uri(self):
            # oauthlib verifies the signature over exactly this URI.
            return "http://%s%s" % (self.headers["Host"], self.path)

        def body(self):
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length).decode("utf-8") if length else ""

        def answer(self, status, headers, body):
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            data = (body or "").encode("utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def refuse(self, status, why):
            sys.stderr.write("oauth1_provider: %s %s refused: %s\n" % (self.command, self.path, why))
            self.answer(status, {"Content-Type": "text/plain"}, why)

        def do_POST(self):
            path = urlsplit(self.path).path
            headers = dict(self.headers)
            if path == "/oauth/request_token":
                h, b, s = server.create_request_token_response(
                    self.uri(), "POST", self.body(), headers)
            elif path == "/oauth/access_token":
                h, b, s = server.create_access_token_response(
                    self.uri(), "POST", self.body(), headers)
            else:
                return self.refuse(404, "no such endpoint")
            if s != 200:
                sys.stderr.write("oauth1_provider: %s answered %s %s\n" % (path, s, b))
            self.answer(s, h, b)

        def do_GET(self):
            path = urlsplit(self.path).path
            if path in ("/oauth/authenticate", "/oauth/authorize"):
                try:
                    server.get_realms_and_credentials(self.uri(), "GET")
                    h, b, s = server.create_authorization_response(self.uri(), "GET")
                except Exception as error:  # oauthlib raises on unknown tokens
                    return self.refuse(400, repr(error))
                return self.answer(s, h, b)
            if path == "/oauth/deny":
                token = dict(parse_qsl(urlsplit(self.path).query)).get("oauth_token", "")
                with validator.lock:
                    entry = validator.request_tokens.pop(token, None)
                if entry is None:
                    return self.refuse(400, "unknown request token")
                location = with_query(entry["callback"], [("denied", token)])
                return self.answer(302, {"Location": location}, "")
            if path == "/1.1/account/verify_credentials.json":
                valid, request = server.validate_protected_resource_request(
                    self.uri(), "GET", None, dict(self.headers))
                if not valid:
                    return self.refuse(401, "invalid protected resource request")
                query = dict(parse_qsl(urlsplit(self.path).query))
                user = dict(USER)
                if query.get("include_email") != "true":
                    user["email"] = None
                return self.answer(200, {"Content-Type": "application/json"}, json.dumps(user))
            self.refuse(404, "no such endpoint")

        def log_message(self, format, *args):
            pass

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client-key", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--callback", required=True)
    args = parser.parse_args()
    validator = Validator(args.client_key, args.client_secret, args.callback)
    server = WebApplicationServer(validator)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(server, validator))
    httpd.daemon_threads = True
    print("PORT %d" % httpd.server_address[1], flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
