"""What signing a result costs, in one run: rendering the result notice's PDF (fpdf2, the slips'
fonts), signing it (PAdES B-B with pyHanko, an ECDSA P-256 certificate of a demo authority made for
the run) and validating it against that authority, as the lookup's result page does.

Run from the project root::

    python -m bench.signing            # 50 results
    python -m bench.signing --quick    # 10 results (``python -m bench --quick``)
    python -m bench.signing --json     # exactly one JSON object on stdout

Signing happens once per closed dossier, off the officials' commands (the scheduler's sweep, or
the applicant's first request); validation on every view of the result page. Benchmarks print
figures; they never assert.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from engine.signing.authority import ensure_demo_authority
from engine.signing.credentials import load_credentials, trust_roots
from engine.signing.pdf import sign_pdf, validate_pdf
from engine.signing.settings import SigningSettings
from engine.slips.document import Letterhead, Para, Run, Signature, Signatures, SlipDocument, Title
from engine.slips.pdf import document_pdf


def _notice(number: int) -> SlipDocument:
    """A result notice shaped like engine.signing.results' (no database needed)."""
    lines = [("Kính gửi: Ông/Bà ", f"Nguyễn Văn An {number}"),
             ("Nội dung yêu cầu giải quyết: ", "Đăng ký thành lập doanh nghiệp"), ("Kết quả: ", "Đã trả kết quả"),
             ("Hoàn thành: ", "15 giờ 20 phút, ngày 13 tháng 10 năm 2026")]
    return SlipDocument(kind="result", name="Thông báo kết quả giải quyết hồ sơ", file_stem="ket-qua", blocks=(
        Letterhead(issuer="TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH QUẢNG NINH",
                   number=f"Số: 000.00.00.H00-{number}-KQ1", place_date="Hạ Long, ngày 02 tháng 12 năm 2026"),
        Title("THÔNG BÁO KẾT QUẢ GIẢI QUYẾT HỒ SƠ"),
        *(Para((Run(label), Run(value, bold=True))) for label, value in lines),
        Signatures((Signature("", ""), Signature("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", note="(Đã ký số)"))),
    ))


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"median_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 1)}


def run(count: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        authority = ensure_demo_authority(Path(folder), "Trung tâm Phục vụ hành chính công (bench)", "bench",
                                          datetime.now(UTC))
        settings = SigningSettings(authority.pkcs12_path, "bench", authority.ca_path)
        credentials, roots = load_credentials(settings, datetime.now(UTC)), trust_roots(settings)
        timings: dict[str, list[float]] = {"render": [], "sign": [], "validate": []}
        invalid = 0
        for number in range(count):
            started = time.perf_counter()
            pdf = document_pdf(_notice(number))
            rendered = time.perf_counter()
            signed = sign_pdf(pdf, credentials, reason="Kết quả", location="Hạ Long")
            done = time.perf_counter()
            valid = validate_pdf(signed, roots).valid
            validated = time.perf_counter()
            invalid += not valid
            timings["render"].append(rendered - started)
            timings["sign"].append(done - rendered)
            timings["validate"].append(validated - done)
        return {"results": count, **{name: _ms(values) for name, values in timings.items()},
                "pdf_bytes": len(signed), "invalid": invalid}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 results instead of 50")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    report = run(10 if args.quick else 50)
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"{report['results']} results, {report['pdf_bytes']} bytes each (signed), {report['invalid']} invalid")
    for step in ("render", "sign", "validate"):
        figures = report[step]
        print(f"  {step:<9} median {figures['median_ms']:>6} ms   p95 {figures['p95_ms']:>6} ms")  # type: ignore[index]
    return 0


if __name__ == "__main__":
    sys.exit(main())
