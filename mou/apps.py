from django.apps import AppConfig


class MouConfig(AppConfig):
    name = "mou"
    verbose_name = "MOUs and reference data"
