from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and roles"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from accounts import audit
        from accounts.models import Membership, User
        from accounts.scope import roles_changed

        audit.connect()
        # A person's cached roles (accounts.scope.cached_roles) stop when a membership or the
        # person changes, however the change is made (a service, the admin site, a command).
        for signal in (post_save, post_delete):
            signal.connect(
                lambda instance, **kwargs: roles_changed(instance.user_id),
                sender=Membership,
                weak=False,
                dispatch_uid=f"roles-membership-{signal is post_save}",
            )
        post_save.connect(
            lambda instance, **kwargs: roles_changed(instance.pk),
            sender=User,
            weak=False,
            dispatch_uid="roles-person",
        )
        # The person's confirmed two-factor devices are cached with their roles: a device
        # added, confirmed, used or removed stops the cached entry too.
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        for device in (TOTPDevice, StaticDevice):
            for signal in (post_save, post_delete):
                signal.connect(
                    lambda instance, **kwargs: roles_changed(instance.user_id),
                    sender=device,
                    weak=False,
                    dispatch_uid=f"roles-device-{device.__name__}-{signal is post_save}",
                )
