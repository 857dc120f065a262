"""Outgoing mail: SMTP when MAIL_SERVER is set, otherwise the message is written to the log.

Each recipient gets a message of their own, so nobody sees the other addresses.
"""

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, render_template

logger = logging.getLogger(__name__)


def build_message(recipient: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="passerelle")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    return message


def send_mail(to: str | list[str], subject: str, template: str, **context) -> bool:
    """Render ``templates/<template>`` as the plain-text body and send it to each recipient.

    Returns False when the mail server could not be reached: callers tell the person, never crash.
    """
    recipients = [to] if isinstance(to, str) else list(dict.fromkeys(to))
    if not recipients:
        return True
    body = render_template(template, **context)
    messages = [build_message(recipient, subject, body) for recipient in recipients]
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        for message in messages:
            logger.info("Mail not sent (no PORTAL_MAIL_SERVER), to %s: %s\n%s", message["To"], subject, body)
        return True
    try:
        _deliver(messages, config)
    except (OSError, smtplib.SMTPException):
        logger.exception("Mail delivery failed: %s", subject)
        return False
    return True


def _deliver(messages: list[EmailMessage], config) -> None:
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        for message in messages:
            smtp.send_message(message)
            logger.info("Mail sent to %s: %s", message["To"], message["Subject"])
