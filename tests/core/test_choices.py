"""Field choices go to WTForms as SelectChoice (its tuples are deprecated in 3.3 and refused in 3.4)."""

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from examapp.choices import options


def test_pairs_become_select_choices_and_select_choices_pass_through():
    kept = SelectChoice("b", "乙")
    made = options([("a", "甲"), kept, (0, "全部")])
    assert made == [SelectChoice("a", "甲"), kept, SelectChoice(0, "全部")]
    assert made[1] is kept


def test_a_form_with_options_renders_and_validates_them(app):
    class Pick(FlaskForm):
        kind = SelectField("种类", choices=options([("organised", "集中学法"), ("lecture", "讲座")]))

    with app.test_request_context(method="POST", data={"kind": "lecture"}):
        form = Pick(meta={"csrf": False})
        assert form.validate() and form.kind.data == "lecture"
        assert '<option selected value="lecture">讲座</option>' in str(form.kind)
    with app.test_request_context(method="POST", data={"kind": "other"}):
        form = Pick(meta={"csrf": False})
        assert not form.validate() and form.kind.errors
