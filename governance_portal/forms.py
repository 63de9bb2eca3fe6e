"""GOV.UK Design System rendering for every Django form (docs/adr/0002-govuk-forms.md).

The renderer points Django at our field and form templates and uses a bound field that adds the
GOV.UK classes to each widget. Django itself adds `aria-invalid` and `aria-describedby` (hint and
error ids `<id>_helptext` and `<id>_error`), which our templates use.
"""

from __future__ import annotations

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

# widget_type (BoundField.widget_type) -> the GOV.UK class of the input itself
WIDGET_CLASSES: dict[str, str] = {
    **dict.fromkeys(
        ["text", "email", "password", "number", "url", "tel", "date", "search"], "govuk-input"
    ),
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "radioselect": "govuk-radios__input",
    "checkboxselectmultiple": "govuk-checkboxes__input",
    "checkbox": "govuk-checkboxes__input",
    "file": "govuk-file-upload",
    "clearablefile": "govuk-file-upload",
}
ERROR_CLASSES: dict[str, str] = {
    "govuk-input": "govuk-input--error",
    "govuk-select": "govuk-select--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-file-upload": "govuk-file-upload--error",
}


class GovukBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        css = WIDGET_CLASSES.get(self.widget_type)
        if css:
            classes = [css, attrs.get("class", "")]
            if self.errors and css in ERROR_CLASSES:
                classes.append(ERROR_CLASSES[css])
            attrs["class"] = " ".join(c for c in classes if c)
        return attrs

    @property
    def first_id(self) -> str:
        """The id an error summary links to: the first option of a group, else the input."""
        if self.widget_type in ("radioselect", "checkboxselectmultiple"):
            return f"{self.auto_id}_0"
        return self.auto_id


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "components/forms/form.html"
    field_template_name = "components/forms/field.html"
    bound_field_class = GovukBoundField


class GovukFormMixin:
    """GOV.UK wording for a missing answer ("Enter your email address", "Select a role") unless a
    field sets its own."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        default_required = forms.Field.default_error_messages["required"]
        for field in self.fields.values():
            if field.error_messages.get("required") != default_required:
                continue
            label = (field.label or "").strip()
            verb = (
                "Select" if isinstance(field, forms.ChoiceField | forms.BooleanField) else "Enter"
            )
            field.error_messages["required"] = (
                f"{verb} {label[0].lower() + label[1:]}" if label else "Answer this question"
            )


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass
