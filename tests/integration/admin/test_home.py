"""The home page: the public catalogue for anyone; dossier counts only for a signed-in official,
and only of the dossiers their access rule lets them read."""

from __future__ import annotations

import re

from tests.integration.admin.test_sign_in import csrf_token, sign_in
from tests.integration.api.conftest import add_official
from tests.integration.api.test_dossier_search import other_center, receive  # noqa: F401


def stats(page: str) -> dict[str, int]:
    return {label: int(number) for number, label in re.findall(r"<b>(\d+)</b>([^<]+)</div>", page)}


def test_a_visitor_sees_the_active_procedures_and_no_counts(client, reception):
    receive(client, reception)
    page = client.get("/").get_data(as_text=True)
    assert "<code>enterprise_registration</code>" in page
    assert stats(page) == {"thủ tục đang áp dụng": 1}
    assert "Số hồ sơ chỉ hiện cho cán bộ đã đăng nhập" in page


def test_an_official_counts_only_the_dossiers_in_their_scope(client, reception, other_center,  # noqa: F811
                                                             session_factory, ctx, password_hash):
    receive(client, reception)
    receive(client, reception)
    receive(client, other_center, center="hcc_khac")
    assert sign_in(client, "tiepnhan").status_code == 302
    assert stats(client.get("/").get_data(as_text=True)) == {
        "thủ tục đang áp dụng": 1, "hồ sơ đang xử lý": 2, "hồ sơ đã giải quyết": 0}

    add_official(session_factory, ctx, password_hash, "quantri", ["admin"], center=None)
    client.post("/dang-xuat", data={"csrf_token": csrf_token(client)})
    assert sign_in(client, "quantri").status_code == 302
    assert stats(client.get("/").get_data(as_text=True))["hồ sơ đang xử lý"] == 0  # admins read no dossiers
