"""Shared pieces for django-tables2 tables (the table template is components/table.html)."""

# Links in table cells look like every other GOV.UK link.
LINK_ATTRS = {"a": {"class": "govuk-link"}}
