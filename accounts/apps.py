from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and roles"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from accounts import audit
        from accounts.models import Membership, User
        from accounts.scope import roles_changed

        audit.connect()
        # A person's cached roles (accounts.scope.cached_roles), which hold their confirmed
        # two-factor devices too, stop when the person, a membership or a device changes
        # (added, confirmed, used, removed), however the change is made (a service, the admin
        # site, a command).
        for model in (Membership, TOTPDevice, StaticDevice):
            for signal in (post_save, post_delete):
                signal.connect(
                    lambda instance, **kwargs: roles_changed(instance.user_id),
                    sender=model,
                    weak=False,
                    dispatch_uid=f"roles-{model.__name__}-{signal is post_save}",
                )
        post_save.connect(
            lambda instance, **kwargs: roles_changed(instance.pk),
            sender=User,
            weak=False,
            dispatch_uid="roles-person",
        )
