"""The demo province's organisation for the studio's test dossiers (engine.studio.sandbox).

The engine may not import the demo, so the web layers hand it this seed. One Sandbox per process:
it writes the organisation into a template once a day and copies it for each test dossier.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from demo.org_plan import plan_org
from demo.org_seed import apply_org
from engine.studio.sandbox import Sandbox

# Nobody signs in to a sandbox: its officials get a hash no password matches.
NO_PASSWORD = "!sandbox"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def write_demo_organisation(session: Session, now: datetime) -> None:
    """The demo province's centers, units, officials, leave and deputies, as ``motcua demo`` seeds them."""
    apply_org(session, plan_org(), now, now.astimezone(ZONE).date(), NO_PASSWORD)


DEMO_SANDBOX = Sandbox(write_demo_organisation)
