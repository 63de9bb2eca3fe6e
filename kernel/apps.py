from django.apps import AppConfig


class KernelConfig(AppConfig):
    name = "kernel"
    verbose_name = "The portal's shared parts"
    default_auto_field = "django.db.models.BigAutoField"
