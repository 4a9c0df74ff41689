"""The browser harness itself: axe-core is found without npm and reports what it should."""

from .conftest import axe_violations


def test_axe_reports_a_missing_label_and_passes_a_labelled_field(phone):
    phone.set_content('<html lang="zh-CN"><head><title>t</title></head><body><main>'
                      '<input type="text" id="a"></main></body></html>')
    assert "label" in {v["id"] for v in axe_violations(phone)}
    phone.set_content('<html lang="zh-CN"><head><title>t</title></head><body><main>'
                      '<label for="a">账号</label><input type="text" id="a"></main></body></html>')
    assert axe_violations(phone) == []
