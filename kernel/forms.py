"""GOV.UK Design System rendering for every Django form (docs/adr/0002-govuk-forms.md).

The renderer points Django at our field and form templates and uses a bound field that adds the
GOV.UK classes to each widget. Django itself adds `aria-invalid` and `aria-describedby` (hint and
error ids `<id>_helptext` and `<id>_error`), which our templates use.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any, cast

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.urls import reverse

# widget_type (BoundField.widget_type) -> the GOV.UK class of the input itself
WIDGET_CLASSES: dict[str, str] = {
    **dict.fromkeys(
        ["text", "email", "password", "number", "url", "tel", "date", "search"], "govuk-input"
    ),
    "chooser": "govuk-input",  # ChooserInput, a text input
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
        if self.widget_type == "dateinput":
            attrs["has_error"] = bool(self.errors)  # each box carries its own classes
            return attrs
        css = WIDGET_CLASSES.get(self.widget_type)
        if css:
            classes = [css, attrs.get("class", "")]
            if self.errors and css in ERROR_CLASSES:
                classes.append(ERROR_CLASSES[css])
            attrs["class"] = " ".join(c for c in classes if c)
        return attrs

    @property
    def options(self) -> list[tuple[Any, list[BoundField]]]:
        """Each radio of the field with the fields its choice reveals (GOV.UK conditional reveal),
        from the form's `reveals`: {field: {choice value: [field names]}}."""
        reveals = getattr(self.form, "reveals", {}).get(self.name, {})
        options = []
        for option in self.subwidgets:
            names = reveals.get(str(option.data["value"]), [])
            if names:
                controls = f"conditional-{option.id_for_label}"
                option.data["attrs"] = {**option.data["attrs"], "data-app-reveals": controls}
            options.append((option, [self.form[name] for name in names]))
        return options

    @property
    def is_revealed(self) -> bool:
        """Shown inside another field's choice (conditional reveal), not on its own."""
        reveals = getattr(self.form, "reveals", {})
        return any(self.name in names for by in reveals.values() for names in by.values())

    @property
    def first_id(self) -> str:
        """The id an error summary links to: the first option of a group, else the input."""
        if self.widget_type in ("radioselect", "checkboxselectmultiple", "dateinput"):
            return f"{self.auto_id}_0"
        return self.auto_id


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "components/forms/form.html"
    field_template_name = "components/forms/field.html"
    bound_field_class = GovukBoundField

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if template_name == SELECT_TEMPLATE and isinstance(widget, dict):
            widget["flat_options"] = flat_options(widget["optgroups"])
        return super().render(template_name, context, request)


SELECT_TEMPLATE = "django/forms/widgets/select.html"


def flat_options(optgroups) -> list[tuple[Any, str, bool]] | None:
    """A select's options as (value, label, selected), for templates/django/forms/widgets/
    select.html to draw in one loop: Django's groups give each ungrouped option a group of its
    own, and two template loops an option were most of a short select's cost (docs/adr/0015).
    None when an option is in a named group or has attributes beyond `selected`: the template
    then draws Django's groups as they are."""
    options = []
    for group_name, group, _index in optgroups:
        if group_name:
            return None
        for option in group:
            if option["attrs"] and option["attrs"] != {"selected": True}:
                return None
            options.append((option["value"], option["label"], option["selected"]))
    return options


class GovukFormMixin:
    """GOV.UK wording for a missing answer ("Enter your email address", "Select a role") unless a
    field sets its own; radios without Django's "---------" choice (a model field's blank choice:
    GOV.UK radios start with none selected instead)."""

    fields: dict[str, forms.Field]  # the form's own copies (forms.BaseForm)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        default_required = forms.Field.default_error_messages["required"]
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):
                _drop_blank_choice(field)
            if field.error_messages.get("required") != default_required:
                continue
            label = (field.label or "").strip()
            verb = (
                "Select" if isinstance(field, forms.ChoiceField | forms.BooleanField) else "Enter"
            )
            field.error_messages["required"] = (
                f"{verb} {label[0].lower() + label[1:]}" if label else "Answer this question"
            )


def _drop_blank_choice(field: forms.Field) -> None:
    if isinstance(field, forms.ModelChoiceField):
        field.empty_label = None
    elif isinstance(field, forms.ChoiceField):
        choices: list[Any] = list(cast(Iterable[Any], field.choices))
        field.choices = [c for c in choices if c != BLANK_CHOICE_DASH[0]]


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """A form's own choice field, typed as one (``form.fields`` holds plain ``Field``s)."""
    return cast(forms.ChoiceField, form.fields[name])


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """A form's own model choice field, typed as one, to set its queryset or empty label."""
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


def field_queryset(form: forms.BaseForm, name: str) -> models.QuerySet[Any]:
    """The queryset of a form's own model choice field (one a ModelForm made always has one)."""
    queryset = model_choice_field(form, name).queryset
    if queryset is None:
        raise ImproperlyConfigured(f"The {name} field has no queryset")
    return queryset


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    """Model constraints are not checked here: the services check the same rules and explain them
    beside the field concerned, and the database constraints are the backstop. A constraint's own
    message ("Constraint ... is violated") would mean nothing to anyone."""

    def _post_clean(self) -> None:
        self.instance.validate_constraints = _skip_constraints
        try:
            super()._post_clean()  # type: ignore[misc]  # a private ModelForm hook the stubs omit
        finally:
            del self.instance.validate_constraints

    def validate_unique(self) -> None:
        try:
            self.instance.validate_unique(exclude=self._get_validation_exclusions())  # type: ignore[attr-defined]  # private, not in the stubs
        except ValidationError as error:
            self._update_errors(error)  # type: ignore[attr-defined]  # private, not in the stubs


def _skip_constraints(exclude=None) -> None:
    return None


class DateInputWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes (rendered by field.html)."""

    template_name = "components/forms/date_input.html"
    use_fieldset = True

    def __init__(self, attrs=None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "day": forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "govuk-input govuk-date-input__input govuk-input--width-2",
                }
            ),
            "month": forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "govuk-input govuk-date-input__input govuk-input--width-2",
                }
            ),
            "year": forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "govuk-input govuk-date-input__input govuk-input--width-4",
                }
            ),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year, with GOV.UK's error messages."""

    widget = DateInputWidget

    def __init__(self, **kwargs) -> None:
        fields = tuple(
            forms.CharField(required=False) for _ in range(3)
        )  # compress() explains gaps
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        label = (self.label or "The date").strip()
        if not data_list or not any(data_list):
            return None
        day, month, year = (str(v or "").strip() for v in data_list)
        missing = [
            name for name, value in (("day", day), ("month", month), ("year", year)) if not value
        ]
        if missing:
            raise ValidationError(
                f"{label} must include a {' and a '.join(missing)}", code="incomplete"
            )
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValidationError(f"{label} must be a real date, like 27 3 2025", code="invalid")
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError as error:
            raise ValidationError(
                f"{label} must be a real date, like 27 3 2025", code="invalid"
            ) from error

    def clean(self, value):
        # MultiValueField reports a missing required value per part; GOV.UK wants one message.
        if self.required and (not value or not any(str(v or "").strip() for v in value)):
            raise ValidationError(self.error_messages["required"], code="required")
        return super().clean(value)


def add_service_errors(
    form: forms.BaseForm,
    error: ValidationError,
    *,
    fields: bool = True,
    rename: dict[str, str] | None = None,
) -> None:
    """Put a service's ValidationError beside the field it names (or at the top of the form when
    the form has no such field), so every page explains a broken rule the same way.
    `rename` maps a service's name for a field to the form's."""
    if fields and hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            target = (rename or {}).get(name, name)
            form.add_error(target if target in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class ChooserInput(forms.TextInput):
    """A text input that static/js/app.js turns into GOV.UK's accessible autocomplete over the
    JSON endpoint named by `source` (docs/adr/0013-choosers.md). Without JavaScript it stays a
    text input, resolved on the server by ChooserField."""

    def __init__(self, source: str, attrs=None) -> None:
        self.source = source
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-chooser-source"] = reverse(self.source)
        return context


class ChooserField(forms.Field):
    """One record typed by name or by number, for lists too long for a select.

    `queryset` is the records the person may choose (a queryset, or a callable returning one, so
    a form can scope it to the person); `exact(queryset, text)` and `partial(queryset, text)`
    narrow it to the records the text names exactly (a whole name, a number) and in part (a
    piece of a name), by default the queryset's own `named_exactly` and `named_partly`;
    `describe(record)` is how a record is written in the input and in messages, by default its
    `chooser_label`. So a form in a lower app can offer a higher app's records without
    importing it. One exact match is taken, then one partial match; several give an error listing
    up to ten, so the person can type more of the name or the number; none gives an error.
    """

    widget = ChooserInput
    SHOWN = 10
    default_error_messages = {
        "none": 'No {noun} matches "{text}". Check the spelling, or enter its Companies House number',
        "several": '{count} {nouns} match "{text}": {names}. Enter more of the name, or the '
        "Companies House number",
        "too_many": 'More than {shown} {nouns} match "{text}", including {names}. Enter more of '
        "the name, or the Companies House number",
    }

    def __init__(
        self,
        *,
        queryset,
        exact: Callable | None = None,
        partial: Callable | None = None,
        describe: Callable | None = None,
        source: str,
        noun: str,
        nouns: str | None = None,
        **kwargs,
    ) -> None:
        self.queryset = queryset
        self.exact = exact or (lambda queryset, text: queryset.named_exactly(text))
        self.partial = partial or (lambda queryset, text: queryset.named_partly(text))
        self.describe = describe or (lambda record: getattr(record, "chooser_label", str(record)))
        self.noun, self.nouns = noun, nouns or f"{noun}s"
        kwargs.setdefault("widget", ChooserInput(source=source))
        super().__init__(**kwargs)

    def choosable(self):
        return self.queryset() if callable(self.queryset) else self.queryset

    def prepare_value(self, value):
        """A record (or its primary key, as in `initial`) is shown as the person would type it."""
        if isinstance(value, models.Model):
            return self.describe(value)
        if isinstance(value, int):
            record = self.choosable().filter(pk=value).first()
            return self.describe(record) if record is not None else ""
        return value

    def to_python(self, value):
        if isinstance(value, models.Model):
            return value
        # Whitespace runs as one space; NUL, which PostgreSQL refuses in a query, as nothing.
        text = " ".join(str(value or "").replace("\x00", "").split())[:200]
        if not text:
            return None
        choosable = self.choosable()
        for narrow in (self.exact, self.partial):
            found = list(narrow(choosable, text)[: self.SHOWN + 1])
            if len(found) == 1:
                return found[0]
            if found:
                raise self._several(found, _quoted(text))
        message = self.error_messages["none"].format(noun=self.noun, text=_quoted(text))
        raise ValidationError(message, code="none")

    def _several(self, found: list[models.Model], text: str) -> ValidationError:
        """The error for several matches, naming up to SHOWN of them."""
        names = "; ".join(self.describe(record) for record in found[: self.SHOWN])
        if len(found) > self.SHOWN:
            message = self.error_messages["too_many"].format(
                shown=self.SHOWN, nouns=self.nouns, text=text, names=names
            )
            return ValidationError(message, code="too_many")
        message = self.error_messages["several"].format(
            count=len(found), nouns=self.nouns, text=text, names=names
        )
        return ValidationError(message, code="several")


def _quoted(text: str) -> str:
    """What the person typed, as repeated in a message: long text is cut short."""
    return text if len(text) <= 60 else text[:60] + "…"
