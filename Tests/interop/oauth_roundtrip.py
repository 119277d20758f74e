"""A real OAuth 2 client (Authlib) against a running Portico.

Fetches a client-credentials token with HTTP Basic and with form authentication, verifies the
token with Authlib's own JOSE implementation against the published JWKS (RFC 9068 claims), and
reads the API with it. Exits 0 on success, 1 with the reason otherwise.

    python oauth_roundtrip.py BASE_URL CLIENT_ID CLIENT_SECRET EXPECTED_ISSUER
"""
import sys

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt


def fail(reason):
    print("FAIL: " + reason)
    sys.exit(1)


def main():
    base, client_id, client_secret, issuer = sys.argv[1:5]
    metadata = requests.get(base + "/.well-known/oauth-authorization-server", timeout=10).json()
    if metadata.get("issuer") != issuer:
        fail("metadata issuer %r" % metadata.get("issuer"))
    if "client_credentials" not in metadata.get("grant_types_supported", []):
        fail("client_credentials not advertised")

    for method in ("client_secret_basic", "client_secret_post"):
        session = OAuth2Session(client_id, client_secret, token_endpoint_auth_method=method, scope="orders:read")
        token = session.fetch_token(base + "/oauth/token", grant_type="client_credentials")
        if token.get("token_type") != "Bearer" or token.get("scope") != "orders:read":
            fail("%s: unexpected token response %r" % (method, {k: v for k, v in token.items() if k != "access_token"}))

        keys = JsonWebKey.import_key_set(requests.get(base + "/.well-known/jwks.json", timeout=10).json())
        claims = jwt.decode(token["access_token"], keys, claims_options={
            "iss": {"essential": True, "value": issuer},
            "aud": {"essential": True, "value": issuer + "/api"},
            "sub": {"essential": True},
            "exp": {"essential": True},
            "client_id": {"essential": True, "value": client_id},
        })
        claims.validate()
        header = claims.header
        if header.get("typ") != "at+jwt" or header.get("alg") != "ES256" or not header.get("kid"):
            fail("%s: header %r" % (method, header))

        response = session.get(base + "/api/v1/orders?limit=2&fields=id,status", timeout=10)
        if response.status_code != 200 or len(response.json().get("data", [])) != 2:
            fail("%s: API answered %d %s" % (method, response.status_code, response.text[:200]))
        denied = session.get(base + "/api/v1/customers?limit=1", timeout=10)
        if denied.status_code != 403:
            fail("%s: a scope the token lacks answered %d" % (method, denied.status_code))

    wrong = OAuth2Session(client_id, "pcs_wrong", token_endpoint_auth_method="client_secret_basic")
    try:
        wrong.fetch_token(base + "/oauth/token", grant_type="client_credentials")
        fail("a wrong secret got a token")
    except Exception as error:  # Authlib raises OAuthError with the server's error code
        if "invalid_client" not in str(error):
            fail("a wrong secret failed with %r, not invalid_client" % error)
    print("OK")


if __name__ == "__main__":
    main()
