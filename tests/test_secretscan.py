"""The secret rules, from a table of token formats: every format is found in every context,
and ids, times and hashes that incident notes are full of are not."""

from __future__ import annotations

import base64
import random
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidentctl.core.secretscan import redact, scan

UPPER = string.ascii_uppercase
LOWER = string.ascii_lowercase
DIGITS = string.digits
ALNUM = UPPER + LOWER + DIGITS
HEX = "0123456789abcdef"
URLSAFE = ALNUM + "_-"


def _pick(rng: random.Random, chars: str, size: int) -> str:
    # Every generated body holds upper, lower and digits where the alphabet has them,
    # as real tokens do (an all-letter run would be a word, not a key).
    while True:
        value = "".join(rng.choice(chars) for _ in range(size))
        kinds = [k for k in (UPPER, LOWER, DIGITS) if set(k) & set(chars)]
        if all(set(value) & set(k) for k in kinds) or size < len(kinds) * 2:
            return value


def _pem(rng: random.Random) -> str:
    body = base64.b64encode(bytes(rng.randrange(256) for _ in range(96))).decode()
    return f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----"


def _basic(rng: random.Random) -> str:
    user, password = _pick(rng, LOWER, 6), _pick(rng, ALNUM, 12)
    return "Authorization: Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


# (rule that must fire, how to make one) — formats as their issuers document them.
FORMATS: list[tuple[str, object]] = [
    ("aws-access-key-id", lambda r: "AKIA" + _pick(r, UPPER + "234567", 16)),
    ("aws-access-key-id", lambda r: "ASIA" + _pick(r, UPPER + "234567", 16)),
    ("aws-secret-access-key", lambda r: "aws_secret_access_key = " + _pick(r, ALNUM + "/+", 40)),
    ("github-token", lambda r: "ghp_" + _pick(r, ALNUM, 36)),
    ("github-token", lambda r: "gho_" + _pick(r, ALNUM, 36)),
    ("github-token", lambda r: "github_pat_" + _pick(r, ALNUM + "_", 82)),
    ("gitlab-token", lambda r: "glpat-" + _pick(r, URLSAFE, 20)),
    (
        "slack-token",
        lambda r: f"xoxb-{_pick(r, DIGITS, 11)}-{_pick(r, DIGITS, 12)}-{_pick(r, ALNUM, 24)}",
    ),
    (
        "slack-app-token",
        lambda r: (
            f"xapp-1-A{_pick(r, UPPER + DIGITS, 10)}-{_pick(r, DIGITS, 13)}-{_pick(r, HEX, 64)}"
        ),
    ),
    (
        "slack-webhook",
        lambda r: (
            "https://hooks.slack.com/services/"
            f"T{_pick(r, UPPER + DIGITS, 8)}/B{_pick(r, UPPER + DIGITS, 8)}/{_pick(r, ALNUM, 24)}"
        ),
    ),
    ("stripe-key", lambda r: "sk_live_" + _pick(r, ALNUM, 24)),
    ("stripe-key", lambda r: "rk_test_" + _pick(r, ALNUM, 24)),
    ("stripe-webhook-secret", lambda r: "whsec_" + _pick(r, ALNUM, 32)),
    ("openai-api-key", lambda r: "sk-" + _pick(r, ALNUM, 20) + "T3BlbkFJ" + _pick(r, ALNUM, 20)),
    ("openai-api-key", lambda r: "sk-proj-" + _pick(r, URLSAFE, 56)),
    ("openai-api-key", lambda r: "sk-" + _pick(r, ALNUM, 48)),
    ("anthropic-api-key", lambda r: "sk-ant-api03-" + _pick(r, URLSAFE, 93)),
    ("npm-token", lambda r: "npm_" + _pick(r, ALNUM, 36)),
    ("pypi-token", lambda r: "pypi-AgEIcHlwaS5vcmc" + _pick(r, URLSAFE, 60)),
    ("sendgrid-api-key", lambda r: f"SG.{_pick(r, URLSAFE, 22)}.{_pick(r, URLSAFE, 43)}"),
    ("google-api-key", lambda r: "AIza" + _pick(r, URLSAFE, 35)),
    ("shopify-token", lambda r: "shpat_" + _pick(r, HEX, 32)),
    ("hashicorp-vault-token", lambda r: "hvs." + _pick(r, ALNUM, 24)),
    ("digitalocean-token", lambda r: "dop_v1_" + _pick(r, HEX, 64)),
    ("databricks-token", lambda r: "dapi" + _pick(r, HEX, 32)),
    ("huggingface-token", lambda r: "hf_" + _pick(r, UPPER + LOWER, 34)),
    ("telegram-bot-token", lambda r: _pick(r, DIGITS, 10) + ":AA" + _pick(r, URLSAFE, 33)),
    (
        "jwt",
        lambda r: (
            "eyJ"
            + _pick(r, URLSAFE, 20)
            + ".eyJ"
            + _pick(r, URLSAFE, 30)
            + "."
            + _pick(r, URLSAFE, 43)
        ),
    ),
    ("private-key", _pem),
    ("private-key-body", lambda r: "MIIEpAIBAAKCAQEA" + _pick(r, ALNUM + "+/", 60)),
    ("private-key-body", lambda r: "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + _pick(r, ALNUM + "+/", 60)),
    ("private-key-body", lambda r: "MHcCAQEEI" + _pick(r, ALNUM + "+/", 40)),
    (
        "private-key-body",
        lambda r: "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ" + _pick(r, ALNUM, 30),
    ),
    ("private-key-base64", lambda r: base64.b64encode(_pem(r).encode()).decode()),
    ("private-key-base64", lambda r: base64.b64encode(b"k: " + _pem(r).encode()).decode()),
    ("password-in-url", lambda r: f"postgres://app:{_pick(r, ALNUM, 14)}@db.internal:5432/app"),
    ("authorization-bearer", lambda r: "Authorization: Bearer " + _pick(r, URLSAFE + ".", 40)),
    ("authorization-bearer", lambda r: "curl -H 'bearer " + _pick(r, URLSAFE, 32) + "'"),
    ("authorization-basic", _basic),
    ("authorization-header", lambda r: "Authorization: token " + _pick(r, HEX, 40)),
    ("password-assignment", lambda r: "DB_PASSWORD=" + _pick(r, LOWER, 12)),
    ("password-assignment", lambda r: "PGPASSWORD=" + _pick(r, ALNUM, 10) + " psql -h db"),
    ("password-assignment", lambda r: "export MYSQL_PWD='" + _pick(r, ALNUM, 10) + "'"),
    ("password-assignment", lambda r: "REDIS_PASS=" + _pick(r, ALNUM, 9)),
    (
        "django-secret-key",
        lambda r: "SECRET_KEY = '" + _pick(r, ALNUM + "!@#$%^&*(-_=+)", 50) + "'",
    ),
    (
        "django-insecure-key",
        lambda r: "django-insecure-" + _pick(r, LOWER + DIGITS + "!@#$%^&*", 50),
    ),
    ("generic-credential", lambda r: "api_key: " + _pick(r, ALNUM, 32)),
    ("generic-credential", lambda r: '"client_secret": "' + _pick(r, ALNUM + "-_", 28) + '"'),
    ("generic-credential", lambda r: "password: " + _pick(r, ALNUM + "!#%", 14)),
    ("generic-credential", lambda r: "auth_token => " + _pick(r, HEX, 32)),
]

CONTEXTS = [
    "{}",
    "found {} in the logs",
    "  {}\n",
    '{{"value": "{}"}}',
    "saw `{}` at 14:05:33",
    "line one\n{}\nline three",
]


@pytest.mark.parametrize(
    ("rule", "make"), FORMATS, ids=[f"{r}-{i}" for i, (r, _) in enumerate(FORMATS)]
)
@pytest.mark.parametrize("context", CONTEXTS)
def test_every_format_is_found_in_every_context(rule: str, make: object, context: str) -> None:
    rng = random.Random(f"{rule}{context}")
    for _ in range(5):
        secret = make(rng)  # type: ignore[operator]
        text = context.format(secret)
        found = {hit.rule for hit in scan(text)}
        assert rule in found, (rule, text)
        assert secret not in redact(text)


@pytest.mark.parametrize(
    "secret",
    [
        "AKIAIOSFODNN7EXAMPLE",
        "ghp_" + "a1B2c3D4" * 4 + "e5F6",
        "xoxb-" + "1234567890-" * 2 + "abcdefghijklmnopqrstuvwx",
        "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    ],
)
def test_a_key_split_across_two_lines_is_found(secret: str) -> None:
    half = len(secret) // 2
    for text in (
        f"key: {secret[:half]}\n{secret[half:]}",
        f'"{secret[:half]}" +\n  "{secret[half:]}"',
        f"{secret[:half]}\\\n{secret[half:]} end",
    ):
        hits = scan(text)
        assert hits, text
        assert hits[0].line == 1


NOT_SECRETS = [
    "at 14:05:33 the error rate rose; by 14:07:02 it was back",
    "2026-11-30T10:00:00Z 2026-11-30T10:00:00+01:00 0001-01-01T00:00:00+14:00",
    "request 123e4567-e89b-12d3-a456-426614174000 failed",
    "token: 123e4567-e89b-12d3-a456-426614174000",
    "fixed in 3f2a9c1d0b7e6f5a4c3b2a1908f7e6d5c4b3a291 and "
    "e83c5163316f89bfbde7d9ab23ca2e25604af290",
    "event 01JDQ3ZK8M4N5P6Q7R8S9T0VWX and 01HZZZZZZZZZZZZZZZZZZZZZZZ",
    "incident a1b2c3 and inc-7kq2m9 (see 2026-a1b2c3)",
    "the password was reset by the user; rotate the token: yes",
    "password: changed, token: expired, secret: rotated",
    "api_key: ${API_KEY}, password=<redacted>, DB_PASSWORD=$DB_PASSWORD, PGPASSWORD=***",
    "SECRET_KEY = os.environ['DJANGO_SECRET_KEY']",
    "basic troubleshooting steps followed; bearer of bad news",
    "Authorization: Bearer <token>",
    "bypass=true compass=north pass=1",
    "the auth token_count: 12345678 and token_ttl: 3600",
    "sk-learn and sk-8 are not keys; keys-are-rotated",
    "-----BEGIN CERTIFICATE-----\n"
    "MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n"
    "-----END CERTIFICATE-----",
    "https://status.example.com:8443/incidents/a1b2c3 and ssh://git@github.com/org/repo",
    "version 1.2.3, build 20261130.4, port 5432, pid 4242",
]


@pytest.mark.parametrize("text", NOT_SECRETS)
def test_ids_times_and_hashes_are_not_secrets(text: str) -> None:
    assert scan(text) == []
    assert redact(text) == text


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.uuids().map(str),
        st.text(alphabet=HEX, min_size=40, max_size=40),
        st.from_regex(r"\A[0-7][0-9A-HJKMNP-TV-Z]{25}\Z"),
        st.times().map(lambda t: t.strftime("%H:%M:%S")),
        st.datetimes().map(lambda d: d.isoformat() + "Z"),
    ),
    st.sampled_from(["{}", "at {} it failed", "id={}", "event {} ({})"]),
)
def test_generated_ids_and_times_are_never_secrets(value: str, context: str) -> None:
    assert scan(context.replace("{}", value)) == []


def test_excerpt_never_holds_the_secret() -> None:
    secret = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z" * 2
    (hit,) = scan(f"oops {secret}")
    assert secret not in hit.excerpt and hit.rule == "openai-api-key"
