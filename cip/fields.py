"""Model fields shared by every app."""

from __future__ import annotations

import re

from django import forms
from django.db import models
from django.db.models.query_utils import DeferredAttribute

# Control characters (C0, DEL, C1) and the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(value):
    """The text on one line: every run of whitespace or control characters becomes one space,
    and the ends are trimmed. Anything that is not text is returned as it is."""
    if not isinstance(value, str):
        return value
    return " ".join(_CONTROL.sub(" ", value).split())


class OneLineFormField(forms.CharField):
    def to_python(self, value):
        return one_line(super().to_python(value))


class _OneLineAttribute(DeferredAttribute):
    """Keeps the value on one line from the moment it is set, so that everything which sees
    the instance before it is saved (pre_save receivers such as the audit log) sees that."""

    def __set__(self, instance, value) -> None:
        instance.__dict__[self.field.attname] = one_line(value)


class OneLineCharField(models.CharField):
    """Text that heads an email (its subject) or a calendar entry (SUMMARY, LOCATION, a name).

    A line break there would end the subject early or start a new header, so the value is kept
    on one line however it arrives: a form, Django admin, a service or a script. (Only
    `QuerySet.update()` passes values straight through; use it with `one_line`.)
    """

    descriptor_class = _OneLineAttribute

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": OneLineFormField, **kwargs})


def keep_existing_on_one_line(app_label: str, fields: dict[str, list[str]]):
    """A migration operation putting values saved before a field became one line onto one."""
    from django.db import IntegrityError, migrations, transaction

    def forward(apps, schema_editor) -> None:
        for model_name, names in fields.items():
            model = apps.get_model(app_label, model_name)
            for obj in model._default_manager.only("pk", *names).iterator():
                changed = {
                    name: one_line(getattr(obj, name))
                    for name in names
                    if getattr(obj, name) != one_line(getattr(obj, name))
                }
                if changed:
                    try:
                        with transaction.atomic():
                            model._default_manager.filter(pk=obj.pk).update(**changed)
                    except IntegrityError:
                        pass  # a unique value that would meet another: left as it is

    return migrations.RunPython(forward, migrations.RunPython.noop, elidable=True)
