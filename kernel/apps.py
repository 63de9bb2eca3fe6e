from django.apps import AppConfig


class KernelConfig(AppConfig):
    name = "kernel"
    verbose_name = "The portal's shared parts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kernel.logs import connect_task_logs

        connect_task_logs()  # a task's log lines name the request that queued it
