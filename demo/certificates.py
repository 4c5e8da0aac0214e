"""The demo's signing certificate: a demo certificate authority and a certificate of the provincial
center it issues (engine.signing.authority), kept in the instance folder beside the demo database.

Used only when no certificate is configured (MOTCUA_SIGNING_PKCS12_PATH): a real deployment names
its own center's certificate and its authority's. The PKCS#12 file's password is the demo
password, printed with the demo logins.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from engine.signing.authority import ensure_demo_authority
from engine.signing.settings import SigningSettings

FOLDER = "signing"


def demo_signing(instance: Path, center_name: str, password: str, now: datetime,
                 base: SigningSettings) -> tuple[SigningSettings, str]:
    """The signing settings the demo runs with, and a line saying where its files are."""
    authority = ensure_demo_authority(instance / FOLDER, center_name, password, now)
    settings = SigningSettings(pkcs12_path=authority.pkcs12_path, pkcs12_password=password,
                               trust_roots_path=authority.ca_path, place=base.place, parent_body=base.parent_body)
    made = "tạo mới" if authority.created else "dùng lại"
    return settings, (f"Chứng thư số demo ({made}): {authority.pkcs12_path} — CA tin cậy: {authority.ca_path}")
