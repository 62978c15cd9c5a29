"""The select of app/core/forms.py writes its options itself: the same HTML as WTForms."""

import wtforms
from wtforms import Form

from app.core.forms import SelectField

CHOICES = [("", "—"), ("AT", "Austria & <Co>"), ('x"y', "Q"), (3, "three"), ("SI", "")]


def _rendered(field_class, **options) -> str:
    class Chooser(Form):
        choice = field_class(choices=CHOICES, **options)

    form = Chooser()
    return str(form.choice(class_="form-select", aria_describedby="help"))


def test_the_options_are_written_as_wtforms_writes_them():
    for options in ({}, {"default": "AT"}, {"default": 'x"y'}):
        assert _rendered(SelectField, **options) == _rendered(wtforms.SelectField, **options)
    assert '<option selected value="AT">Austria &amp; &lt;Co&gt;</option>' in _rendered(
        SelectField, default="AT")


def test_options_with_attributes_of_their_own_go_the_generic_way():
    class Chooser(Form):
        choice = SelectField(choices=[("AT", "Austria", {"disabled": True})])

    assert str(Chooser().choice()) == (
        '<select id="choice" name="choice"><option disabled value="AT">Austria</option></select>')
