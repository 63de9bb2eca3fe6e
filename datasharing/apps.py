from django.apps import AppConfig


class DatasharingConfig(AppConfig):
    name = "datasharing"
    verbose_name = "Data sharing and data returns"

    def ready(self) -> None:
        from django.core import checks

        from datasharing.national_return import check_layout_setting
        from datasharing.views import region_returns_section
        from mou.views import region_sections

        if region_returns_section not in region_sections:
            region_sections.append(region_returns_section)
        checks.register(check_layout_setting)
