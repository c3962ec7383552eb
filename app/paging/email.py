"""Email through SMTP (the standard library); Amazon SES works through its SMTP interface."""
from __future__ import annotations

import html
import smtplib
import socket
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from app.config import is_email

from .layout import problem
from .port import ChannelBasics, Delivery, PageMessage


class EmailChannel(ChannelBasics):
    method = "email"

    def __init__(self, host: str = "", port: int = 587, username: str = "", password: str = "",
                 starttls: bool = True, sender: str = "", default_to: str = "", timeout: float = 10.0):
        self.host, self.port, self.username, self.password = host, port, username, password
        self.starttls, self.sender, self.default_to, self.timeout = starttls, sender, default_to, timeout

    def check_target(self, page: str) -> str | None:
        if not page or is_email(page):
            return None
        return f"{page!r} is not an email address"

    def build(self, to: str, message: PageMessage) -> EmailMessage:
        mail = EmailMessage()
        test = "[TEST] " if message.kind == "test" else ""
        subject = f"{test}[{message.severity}] {message.customer} — {problem(message)}"
        # One line whatever a runbook or a caller said: a line break in a header is refused.
        mail["Subject"] = " ".join(subject.split())
        mail["From"] = self.sender or "nightdesk@localhost"
        mail["To"] = to
        mail["Date"] = formatdate(localtime=False, usegmt=True)  # RFC 5322 requires it
        domain = (self.sender or "nightdesk@localhost").rpartition("@")[2]
        mail["Message-ID"] = make_msgid("nightdesk", domain=domain)
        if message.reference:
            # Every mail about one incident replies to one root id, so mail clients thread them.
            root = f"<{message.reference.lower()}@{domain}>"
            mail["In-Reply-To"] = root
            mail["References"] = root
        lines = message.headline_lines()
        details = message.extra_details
        text = "\n".join(lines + (["", details] if details else []) + ["", "— NightDesk after-hours triage"])
        mail.set_content(text)
        more = "<p>{}</p>".format(html.escape(details).replace("\n", "<br>")) if details else ""
        mail.add_alternative("<p><b>{}</b><br>{}<br>{}</p>{}<p><small>NightDesk after-hours "
                             "triage</small></p>".format(*(html.escape(s) for s in lines), more),
                             subtype="html")
        return mail

    def send(self, target: str, message: PageMessage) -> Delivery:
        to = target or self.default_to
        if not self.host:
            return Delivery.permanent_error("email: SMTP_HOST is not set")
        if not to:
            return Delivery.permanent_error("email: the rule's page is empty and no default address is set")
        mail = self.build(to, message)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(mail)
        except smtplib.SMTPNotSupportedError:
            return Delivery.permanent_error("email: the SMTP server offers no STARTTLS (set "
                                            "SMTP_STARTTLS=false only for a trusted local relay)")
        except smtplib.SMTPAuthenticationError:
            return Delivery.permanent_error("email: SMTP auth failed (check SMTP_USERNAME/SMTP_PASSWORD)")
        except smtplib.SMTPRecipientsRefused as exc:
            code = next(iter(exc.recipients.values()))[0]
            return _by_code(code, f"email: recipient refused ({code})")
        except smtplib.SMTPResponseException as exc:
            return _by_code(exc.smtp_code, f"email: SMTP {exc.smtp_code}")
        except (smtplib.SMTPException, OSError, socket.timeout) as exc:
            return Delivery.transient(f"email: SMTP unreachable ({type(exc).__name__})")
        return Delivery.ok(message_id=mail["Message-ID"])


def _by_code(code: int, error: str) -> Delivery:
    return Delivery.permanent_error(error) if 500 <= code < 600 else Delivery.transient(error)
