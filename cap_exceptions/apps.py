from django.apps import AppConfig


class CapExceptionsConfig(AppConfig):
    name = "cap_exceptions"
    verbose_name = "Cap exceptions"
