"""E-mail through the SMTP server the settings name: HTML and plain text, UTF-8, proper headers.

Mail is configured only when TRANSLATE_APP_SMTP_HOST (or SMTP_URL) is set;
without it, send() refuses with MailNotConfiguredError and callers fall back
to showing links by hand. Invitations and password resets go out at once
(their links carry secrets, which never wait in the database); notifications
go through the outbox (see notifications.py).
"""

from __future__ import annotations

import re
import smtplib
import ssl
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .config import Settings
from .core.errors import TranslateAppError
from .core.languages import get_language
from .models import utcnow

MAX_ADDRESS = 254
_TEMPLATES = Path(__file__).parent / "web" / "templates" / "mail"
_ADDRESS = re.compile(
    r"^[^@\s\x00-\x1f\x7f<>(),;:\"\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
_environment: Environment | None = None


class MailError(TranslateAppError):
    """The SMTP server could not be reached or refused the message."""


class MailNotConfiguredError(MailError):
    """No SMTP host is configured, so nothing can be sent by e-mail."""


class InvalidAddressError(TranslateAppError):
    """An e-mail address that cannot be used."""


def clean_address(text: str) -> str:
    """Return a usable e-mail address (trimmed), or raise InvalidAddressError."""
    address = (text or "").strip()
    if len(address) > MAX_ADDRESS or not _ADDRESS.match(address):
        raise InvalidAddressError("enter an e-mail address such as name@example.org")
    return address


def templates() -> Environment:
    """Return the Jinja environment of the e-mail templates (autoescaped; no Flask app needed)."""
    global _environment
    if _environment is None:
        _environment = Environment(
            loader=FileSystemLoader(str(_TEMPLATES)),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _environment


def page_direction(languages: list[str]) -> tuple[str, str]:
    """Return (lang, dir) for a message about these languages: right to left when every one of them is."""
    codes = [code for code in dict.fromkeys(languages) if code]
    if codes and all(get_language(code).is_rtl for code in codes):
        return codes[0], "rtl"
    return (codes[0] if len(codes) == 1 else "en"), "ltr"


def sender(settings: Settings) -> str:
    """Return the From address: TRANSLATE_APP_SMTP_FROM, else translate-app@ the SMTP host's domain."""
    if settings.smtp_from:
        return settings.smtp_from
    host = (settings.smtp_host or "localhost").split(".", 1)
    return f"translate-app@{host[1] if len(host) == 2 else host[0]}"


def build_message(
    *, settings: Settings, to: str, subject: str, text: str, html: str, headers: dict[str, str] | None = None
) -> EmailMessage:
    """Return a multipart/alternative message (plain text first, then HTML), UTF-8, with its headers."""
    to = clean_address(to)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = (
        Address("translate-app", addr_spec=sender(settings)) if "<" not in sender(settings) else sender(settings)
    )
    message["To"] = to
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=sender(settings).rsplit("@", 1)[-1].strip(">") or None)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to the service
    message.set_content(text, charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    for name, value in (headers or {}).items():  # after the content: set_content drops Content-* headers
        message[name] = value
    return message


def send(settings: Settings, message: EmailMessage) -> None:
    """Send a message through the configured SMTP server; MailError says why it did not go."""
    host = settings.smtp_host
    if not settings.mail_configured or host is None:
        raise MailNotConfiguredError("e-mail is not configured (set TRANSLATE_APP_SMTP_HOST)")
    port = settings.smtp_port or (465 if settings.smtp_ssl else 587 if settings.smtp_starttls else 25)
    try:
        if settings.smtp_ssl:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=settings.smtp_timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(host, port, timeout=settings.smtp_timeout)
        with client:
            if settings.smtp_starttls and not settings.smtp_ssl:
                client.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                client.login(settings.smtp_user, settings.smtp_password or "")
            refused = client.send_message(message)
        if refused:
            raise MailError(f"the SMTP server refused {len(refused)} recipient(s)")  # no address in logs
    except smtplib.SMTPRecipientsRefused as exc:  # its text holds the address: not for logs
        codes = sorted({str(code) for code, _ in exc.recipients.values()})
        raise MailError(f"the SMTP server refused the recipient ({', '.join(codes)})") from exc
    except smtplib.SMTPResponseException as exc:
        error = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        raise MailError(f"the SMTP server answered {exc.smtp_code}: {error}") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"cannot send through {settings.smtp_host}:{port}: {exc}") from exc


def _send_link(settings: Settings, *, to: str, template: str, subject: str, link: str, **context) -> None:
    if not link.startswith(("https://", "http://")):
        raise MailError("the link must be a full http(s) URL")
    values = {"link": link, "subject": subject, "lang": "en", "dir": "ltr", **context}
    text = templates().get_template(f"{template}.txt").render(**values)
    html = templates().get_template(f"{template}.html").render(**values)
    send(settings, build_message(settings=settings, to=to, subject=subject, text=text, html=html))


def send_invitation(
    *,
    settings: Settings,
    to: str,
    link: str,
    inviter: str | None = None,
    role: str | None = None,
    languages: list[str] | None = None,
    expires_at: datetime | None = None,
) -> None:
    """E-mail an invitation link to an address (at once; the link is not stored anywhere)."""
    _send_link(
        settings,
        to=to,
        template="invitation",
        subject="You are invited to translate with translate-app",
        link=link,
        inviter=inviter,
        role=role,
        languages=[get_language(code).english_name for code in languages or []],
        expires=expires_at.strftime("%Y-%m-%d %H:%M UTC") if expires_at else None,
    )


def send_password_reset(*, settings: Settings, to: str, link: str, expires_at: datetime | None = None) -> None:
    """E-mail a one-time password-reset link to an address (at once; the link is not stored anywhere)."""
    _send_link(
        settings,
        to=to,
        template="password_reset",
        subject="Choose a new translate-app password",
        link=link,
        expires=expires_at.strftime("%Y-%m-%d %H:%M UTC") if expires_at else None,
    )
