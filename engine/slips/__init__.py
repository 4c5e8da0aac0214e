"""The one-stop slips (Mẫu 01–06 of Circular 01/2018/TT-VPCP, names of Circular 03/2025/TT-VPCP)
as printable HTML and PDF.

* ``data``: reads a dossier (or the dossiers of a period) into plain dataclasses; the only module
  here that queries the database.
* ``layout``: writes the words of each slip into layout blocks (``document``).
* ``render``: those blocks as HTML (Jinja2); ``pdf``: as PDF (fpdf2, embedded Vietnamese font).
"""

SLIP_KINDS = ("receipt", "supplement_request", "refusal", "apology", "control")
