"""GOV.UK Notify as the portal's email (`NOTIFY_API_KEY`), through GOV.UK's own client
(notifications-python-client). Each message goes to each recipient as one Notify email from
one template whose personalisation is the subject and the plain-text body
(`NOTIFY_TEMPLATE_ID`: a template with `((subject))` as its subject and `((body))` as its
message). Notify sends no attachments and no arbitrary reply-to address: a message's reply-to
is written into the body instead. Errors are raised, never swallowed (fail_silently aside), so
the sender can retry: Notify answers 429 past 3,000 messages a minute and 5xx when down."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.notifications import NotificationsAPIClient


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.client = NotificationsAPIClient(
            settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=10
        )

    @staticmethod
    def body_of(message: EmailMessage) -> str:
        body = str(message.body)
        if message.reply_to:
            body += f"\n\nTo reply, write to {', '.join(message.reply_to)}."
        return body

    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            try:
                for address in message.recipients():
                    self.client.send_email_notification(
                        email_address=address,
                        template_id=settings.NOTIFY_TEMPLATE_ID,
                        personalisation={
                            "subject": str(message.subject),
                            "body": self.body_of(message),
                        },
                    )
                sent += 1
            except Exception:
                if not self.fail_silently:
                    raise
        return sent
