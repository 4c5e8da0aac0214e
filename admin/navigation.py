"""The workplace's menu: which pages an official sees in the header, by role.

A page module registers its endpoint here by name; an entry whose endpoint is not (yet) part of
the application is left out, so the menu never links to a page that does not exist. The access
policy still decides on every page: the menu only spares officials links they cannot use.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from engine.identity.profile import OfficialProfile
from engine.persistence.models import Role


@dataclass(frozen=True)
class MenuEntry:
    endpoint: str
    label: LazyString
    roles: tuple[str, ...] = ()  # empty: every signed-in official


# Who reads the figures (the statistics.read rule of engine.access.rules).
FIGURE_READERS = (Role.UNIT_LEADER.value, Role.CENTER_LEADER.value, Role.SUPERVISOR.value, Role.AUDITOR.value,
                  Role.ADMIN.value)
WORKERS = (Role.RECEPTION.value, Role.SPECIALIST.value, Role.UNIT_LEADER.value, Role.CENTER_LEADER.value)

MENU = (
    MenuEntry("admin.home", _l("Trang chủ")),
    MenuEntry("inbox_pages.inbox", _l("Hộp công việc"), WORKERS),
    MenuEntry("dossier_pages.search", _l("Tra cứu hồ sơ")),
    MenuEntry("counter_pages.counter", _l("Tiếp nhận hồ sơ"), (Role.RECEPTION.value,)),
    MenuEntry("hotline_pages.hotline", _l("Đường dây nóng"),
              (Role.RECEPTION.value, Role.CENTER_LEADER.value, Role.SUPERVISOR.value)),
    MenuEntry("dashboard_pages.dashboard", _l("Thống kê"), FIGURE_READERS),
    MenuEntry("dashboard_pages.watchlist", _l("Giám sát"), (Role.CENTER_LEADER.value, Role.SUPERVISOR.value,
                                                           Role.AUDITOR.value)),
    MenuEntry("studio_pages.procedures", _l("Thiết kế quy trình"), (Role.ANALYST.value, Role.ADMIN.value)),
    MenuEntry("audit_pages.start", _l("Kiểm tra hồ sơ"), (Role.AUDITOR.value, Role.SUPERVISOR.value)),
)


@dataclass(frozen=True)
class MenuLink:
    url: str
    label: LazyString
    current: bool


def menu_for(profile: OfficialProfile) -> list[MenuLink]:
    links = []
    for entry in MENU:
        if entry.endpoint not in current_app.view_functions:
            continue
        if entry.roles and not profile.has_any(*entry.roles):
            continue
        links.append(MenuLink(url_for(entry.endpoint), entry.label, request.endpoint == entry.endpoint))
    return links
