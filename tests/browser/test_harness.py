"""The checks themselves: they must fail loudly, or every journey's pass means nothing."""

import pytest

from tests.browser.conftest import visit

pytestmark = pytest.mark.browser

INACCESSIBLE = """<!DOCTYPE html><html><head><title>Probe</title></head>
<body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text"></main></body>
</html>"""


@pytest.mark.parametrize("tab", ["page", "nojs_page"])
def test_axe_check_reports_each_violation_with_its_page(request, live_server, tab):
    page = request.getfixturevalue(tab)
    url = f"{live_server.url}/__axe_probe__"
    page.route(url, lambda route: route.fulfill(body=INACCESSIBLE, content_type="text/html"))

    with pytest.raises(pytest.fail.Exception) as failure:
        visit(page, url)

    message = str(failure.value)
    assert f"{url} does not use the service's stylesheet" in message
    assert f"on {url}:" in message
    for rule in ("html-has-lang", "image-alt", "label"):
        assert f"- {rule} (" in message
    assert "at img" in message


def test_a_page_left_unchecked_is_reported(page, live_server):
    page.goto(live_server.url + "/")

    assert page.cip_log.unchecked() == [live_server.url + "/"]
    page.cip_log.documents.clear()  # let the fixture's own teardown pass
