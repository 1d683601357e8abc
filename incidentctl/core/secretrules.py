"""The secret rules: gitleaks' default formats that matter here, plus keyword + entropy rules.

Each rule is a pattern, optionally a capture group holding the secret itself and a check
that the captured value really is one (entropy, not a placeholder, base64 that decodes to a
key). The reference list is config/gitleaks.toml in gitleaks/gitleaks.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SecretRule:
    """One kind of secret.

    ``group`` names the capture group that holds the secret (0: the whole match);
    ``check`` is called with it and must return True for a real finding; ``joinable``
    rules are also tried on text whose line breaks are removed (a key split over lines).
    """

    id: str
    description: str
    pattern: re.Pattern[str]
    group: int = 0
    check: Callable[[str], bool] | None = None
    joinable: bool = False


def entropy(value: str) -> float:
    """Shannon entropy of ``value`` in bits per character."""
    if not value:
        return 0.0
    counts: dict[str, int] = {}
    for char in value:
        counts[char] = counts.get(char, 0) + 1
    size = len(value)
    return -sum(n / size * math.log2(n / size) for n in counts.values())


_PLACEHOLDER = re.compile(
    r"(?i)^(?:[*x#._-]+|<[^>]*>|\[[^\]]*\]|\{[^}]*\}|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%\(?\w+\)?s?|"
    r"(?:redacted|removed|hidden|none|null|nil|empty|unset|undefined|true|false|yes|no|"
    r"example|sample|placeholder|dummy|changeme-later|your[_-]?\w*|my[_-]?\w*|xxx+\w*|"
    r"os\.environ\b.*|env\b.*|getenv\b.*|process\.env\b.*|settings\.\w+|secrets?\.\w+)"
    r"[.,;]?)$"
)
_NOT_SECRET = re.compile(
    r"(?i)^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|"  # a UUID
    r"[0-7][0-9A-HJKMNP-TV-Z]{25}|"  # a ULID (event ids)
    r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)?(?:Z|[+-]\d\d:?\d\d)?|"  # a time
    r"\d+(?:[.:]\d+)*|"  # numbers, versions and clock times
    r"[a-z]+(?:[-_][a-z]+)*)$"  # words
)


def _placeholder(value: str) -> bool:
    return bool(_PLACEHOLDER.match(value.strip("'\"").rstrip(".,;")))


def _password_value(value: str) -> bool:
    """A value after ``PASSWORD=``: anything that is not a placeholder or a reference."""
    value = value.strip("'\"")
    return len(value) >= 4 and not _placeholder(value)


def _credential_value(value: str) -> bool:
    """A value after a credential keyword in prose or YAML: random-looking, not an id."""
    value = value.strip("'\"").rstrip(".,;")
    if len(value) < 8 or _placeholder(value) or _NOT_SECRET.match(value):
        return False
    mixed = sum(
        (
            any(c.islower() for c in value),
            any(c.isupper() for c in value),
            any(c.isdigit() for c in value),
        )
    )
    return entropy(value) >= 2.5 and (mixed >= 2 or not value.isalnum())


def _basic_credentials(value: str) -> bool:
    """``Basic <base64>`` is a secret when it decodes to ``user:password``."""
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    text = decoded.decode("utf-8", "replace")
    return ":" in text and text.isprintable() and len(text) >= 3


def _pem_in_base64(value: str) -> bool:
    """A base64 run that decodes (at any alignment) to a PEM private key."""
    value = value.rstrip("=")
    for start in range(4):
        chunk = value[start:]
        chunk = chunk[: len(chunk) - len(chunk) % 4]
        try:
            decoded = base64.b64decode(chunk, validate=True)
        except (binascii.Error, ValueError):
            continue
        if b"PRIVATE KEY" in decoded:
            return True
    return False


def _rule(
    rule_id: str,
    description: str,
    pattern: str,
    *,
    group: int = 0,
    check: Callable[[str], bool] | None = None,
    joinable: bool = False,
) -> SecretRule:
    return SecretRule(rule_id, description, re.compile(pattern), group, check, joinable)


_B64 = r"[A-Za-z0-9+/]"
# Keyword + separator: ``DB_PASSWORD=``, ``"api_key": "``, ``client-secret:``.
_PREFIX = r"(?<![A-Za-z0-9])(?:[A-Za-z0-9]+[_.-])*"
_CREDENTIAL_WORD = (
    r"(?:api[_-]?key|apikey|api[_-]?token|access[_-]?key(?:[_-]?id)?|secret(?:[_-]?key)?|"
    r"client[_-]?secret|auth[_-]?(?:key|token)|token|passw(?:or)?d|passphrase|pwd|"
    r"credentials?|private[_-]?key)"
)

RULES: tuple[SecretRule, ...] = (
    _rule(
        "aws-access-key-id",
        "AWS access key id",
        r"\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}\b",
        joinable=True,
    ),
    _rule(
        "aws-secret-access-key",
        "AWS secret access key",
        r"(?i)aws.{0,20}?(?:secret|key).{0,20}?[=:]\s*['\"]?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])",
        group=1,
    ),
    _rule(
        "github-token",
        "GitHub token",
        r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b",
        joinable=True,
    ),
    _rule(
        "gitlab-token",
        "GitLab token",
        r"\bgl(?:pat|ptt|rt|dt|ft|imt|oas|cbt|soat|agent)-[A-Za-z0-9_-]{20,}\b",
        joinable=True,
    ),
    _rule(
        "slack-token",
        "Slack token",
        r"\b(?:xox[abposre]|xoxe\.xox[bp])-[A-Za-z0-9-]{10,}\b",
        joinable=True,
    ),
    _rule(
        "slack-app-token",
        "Slack app-level token",
        r"(?i)\bxapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+\b",
        joinable=True,
    ),
    _rule(
        "slack-webhook",
        "Slack webhook URL",
        r"(?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_+-]{20,}",
    ),
    _rule(
        "discord-webhook",
        "Discord webhook URL",
        r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_-]{20,}",
    ),
    _rule(
        "teams-webhook",
        "Microsoft Teams webhook URL",
        r"https://[a-z0-9-]+\.webhook\.office\.com/webhookb2/[A-Za-z0-9@/_-]{20,}",
    ),
    _rule(
        "stripe-key",
        "Stripe secret key",
        r"\b(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,99}\b",
        joinable=True,
    ),
    _rule(
        "stripe-webhook-secret",
        "Stripe webhook signing secret",
        r"\bwhsec_[A-Za-z0-9+/=]{24,}",
        joinable=True,
    ),
    _rule(
        "openai-api-key",
        "OpenAI API key",
        r"\bsk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}|"
        r"\bsk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}|[A-Za-z0-9]{48})(?![A-Za-z0-9_-])",
        joinable=True,
    ),
    _rule(
        "anthropic-api-key",
        "Anthropic API key",
        r"\bsk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{80,}",
        joinable=True,
    ),
    _rule("npm-token", "npm access token", r"(?i)\bnpm_[a-z0-9]{36}\b", joinable=True),
    _rule(
        "pypi-token",
        "PyPI upload token",
        r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}",
        joinable=True,
    ),
    _rule(
        "sendgrid-api-key",
        "SendGrid API key",
        r"\bSG\.[A-Za-z0-9_-]{20,24}\.[A-Za-z0-9_-]{39,50}\b",
        joinable=True,
    ),
    _rule("mailgun-key", "Mailgun API key", r"\bkey-[0-9a-f]{32}\b"),
    _rule("twilio-api-key", "Twilio API key", r"\bSK[0-9a-fA-F]{32}\b"),
    _rule("shopify-token", "Shopify token", r"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b"),
    _rule("google-api-key", "Google API key", r"\bAIza[0-9A-Za-z_-]{35}\b", joinable=True),
    _rule(
        "gcp-service-account",
        "Google service account key",
        r"\"private_key_id\"\s*:\s*\"[0-9a-f]{40}\"",
    ),
    _rule(
        "azure-storage-key",
        "Azure storage account key",
        r"(?i)AccountKey=[A-Za-z0-9+/]{86}==",
    ),
    _rule("hashicorp-vault-token", "HashiCorp Vault token", r"\bhv[sbr]\.[A-Za-z0-9_-]{24,}\b"),
    _rule(
        "terraform-token",
        "Terraform Cloud token",
        r"(?i)\b[a-z0-9]{14}\.atlasv1\.[a-z0-9_=-]{60,70}\b",
    ),
    _rule("digitalocean-token", "DigitalOcean token", r"\bdo[por]_v1_[a-f0-9]{64}\b"),
    _rule("databricks-token", "Databricks token", r"\bdapi[a-f0-9]{32}(?:-\d)?\b"),
    _rule("grafana-token", "Grafana token", r"\bgl(?:c|sa)_[A-Za-z0-9+/_=-]{32,}"),
    _rule("huggingface-token", "Hugging Face token", r"\bhf_[A-Za-z]{34}\b"),
    _rule("linear-api-key", "Linear API key", r"\blin_api_[A-Za-z0-9]{40}\b"),
    _rule("postman-api-key", "Postman API key", r"\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b"),
    _rule("newrelic-key", "New Relic key", r"\bNR(?:AK|II|JS)-[A-Za-z0-9]{27}\b"),
    _rule("doppler-token", "Doppler token", r"\bdp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,}"),
    _rule("flyio-token", "Fly.io token", r"\bfo1_[A-Za-z0-9_-]{43}\b"),
    _rule("telegram-bot-token", "Telegram bot token", r"\b\d{8,10}:AA[0-9A-Za-z_-]{33}(?![\w-])"),
    _rule(
        "age-secret-key",
        "age secret key",
        r"\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b",
    ),
    _rule(
        "private-key",
        "private key block",
        r"-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----",
    ),
    _rule(
        "private-key-body",
        "private key (base64 body without its header)",
        r"(?<![A-Za-z0-9+/])(?:MII" + _B64 + r"{3}IBA" + _B64 + r"{40,}|MHcCAQEE" + _B64 + r"{30,}|"
        r"MC4CAQAwBQYDK2Vw" + _B64 + r"{16,}|b3BlbnNzaC1rZXktdjE" + _B64 + r"{20,})",
    ),
    _rule(
        "private-key-base64",
        "base64-encoded private key",
        r"(?<![A-Za-z0-9+/])"
        + _B64
        + r"*(?:LS0tLS1CRUdJ|0tLS0tQkVHSU|tLS0tLUJFR0l)"
        + _B64
        + r"{20,}={0,2}",
        check=_pem_in_base64,
    ),
    _rule(
        "jwt",
        "JSON web token",
        r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}",
        joinable=True,
    ),
    _rule(
        "password-in-url",
        "password in a URL",
        r"(?i)\b[a-z][a-z0-9+.-]*://[^\s:/@]+:([^\s/@]{3,})@[^\s/]+",
        group=1,
        check=lambda value: not _placeholder(value),
    ),
    _rule(
        "authorization-bearer",
        "bearer token",
        r"(?i)\bbearer\s+([A-Za-z0-9._~+/-]{16,}=*)",
        group=1,
        check=lambda value: not _placeholder(value) and entropy(value) >= 2.5,
    ),
    _rule(
        "authorization-basic",
        "basic-auth credentials",
        r"(?i)\bbasic\s+([A-Za-z0-9+/]{6,}={0,2})(?![A-Za-z0-9+/=])",
        group=1,
        check=_basic_credentials,
    ),
    _rule(
        "authorization-header",
        "Authorization header",
        r"(?i)\b(?:proxy-)?authorization\s*[:=]\s*['\"]?(?:(?:token|apikey|key|sso-key|digest)"
        r"\s+|(?:[A-Za-z]+\s+)?)([A-Za-z0-9._~+/=:-]{12,})",
        group=1,
        check=lambda value: not _placeholder(value) and entropy(value) >= 2.5,
    ),
    _rule(
        "django-secret-key",
        "Django SECRET_KEY",
        _PREFIX + r"SECRET_KEY\s*[:=]\s*['\"]?([^\s'\"]{16,})",
        group=1,
        check=lambda value: not _placeholder(value),
    ),
    _rule("django-insecure-key", "Django SECRET_KEY", r"\bdjango-insecure-[^\s'\"]{20,}"),
    _rule(
        "password-assignment",
        "password assignment",
        r"(?i)" + _PREFIX + r"(?:passw(?:or)?d|passwort|pwd|pass|passphrase|pgpassword|"
        r"mysql_pwd)(?:_\w+)?=(['\"]?[^\s'\"]+)",
        group=1,
        check=_password_value,
    ),
    _rule(
        "generic-credential",
        "credential assignment",
        r"(?i)" + _PREFIX + _CREDENTIAL_WORD + r"(?:[_-]\w+)?['\"]?\s*(?::=|=>|[:=])\s*['\"]?"
        r"([A-Za-z0-9_\-+/=.~!@#$%^&*]{8,})",
        group=1,
        check=_credential_value,
    ),
)
