"""The wording of each slip: slip data in, a ``SlipDocument`` of layout blocks out.

Labels follow the forms of Circular 01/2018/TT-VPCP as rebuilt in the domain brief §1.3, with
the Circular 03/2025/TT-VPCP names (§0.1). Every word a slip prints is written here, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.calendar.deadlines import Timeliness
from engine.slips import vn
from engine.slips.data import (
    ApologyData,
    ControlSlipData,
    DossierSummary,
    Handover,
    LogbookData,
    ReceiptData,
    RefusalData,
    SlipData,
    SupplementRequestData,
)
from engine.slips.document import (
    Block,
    Cell,
    Column,
    Letterhead,
    Notes,
    Para,
    Run,
    Signature,
    Signatures,
    SlipDocument,
    Table,
    Title,
    WithQr,
)

TITLES = {
    "receipt": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    "supplement_request": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    "refusal": "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ",
    "apology": "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
    "control": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
    "logbook": "SỔ THEO DÕI HỒ SƠ",
}
FILE_STEMS = {
    "receipt": "giay-tiep-nhan-ho-so-va-hen-tra-ket-qua",
    "supplement_request": "phieu-yeu-cau-bo-sung-hoan-thien-ho-so",
    "refusal": "phieu-tu-choi-tiep-nhan-giai-quyet-ho-so",
    "apology": "van-ban-xin-loi-va-de-nghi-gia-han",
    "control": "phieu-kiem-soat-qua-trinh-giai-quyet-ho-so",
    "logbook": "so-theo-doi-ho-so",
}
NUMBER_BLANK = "Số: ………………"


@dataclass(frozen=True)
class SlipOptions:
    """What the database does not hold: the place name of the date line, the parent body above
    the center in the letterhead (e.g. ``UBND TỈNH QUẢNG NINH``) and the paper of slips 01–04."""

    place: str = ""
    parent: str = ""
    paper: str = "A4"


def _line(label: str, value: str, *, bold: bool = False, indent: float = 0.0) -> Para:
    return Para((Run(label), Run(value or vn.dotted(None), bold=bold)), indent=indent)


def _plain(text: str, *, align: str = "J", italic: bool = False, bold: bool = False, indent: float = 0.0,
           space_before: float = 0.0, size: float | None = None) -> Para:
    return Para((Run(text, bold=bold, italic=italic),), align=align, indent=indent, space_before=space_before,
                size=size)


def _letterhead(dossier: DossierSummary, options: SlipOptions, *, issuer: str | None = None, number: str = "",
                dated: datetime | None = None) -> Letterhead:
    return Letterhead(
        issuer=(issuer or dossier.center_name).upper(),
        parent=options.parent.upper(),
        number=number,
        place_date=vn.place_date(options.place, dated) if dated is not None else "",
    )


def _code_line(dossier: DossierSummary) -> Para:
    return Para((Run("Mã hồ sơ: "), Run(dossier.code, bold=True)), align="C")


def _contact_lines(dossier: DossierSummary) -> list[Para]:
    applicant = dossier.applicant
    lines = [_line("Địa chỉ: ", applicant.address)]
    contact = [Run("Số điện thoại: "), Run(applicant.phone or vn.dotted(None))]
    if applicant.email:
        contact += [Run("; Email: "), Run(applicant.email)]
    lines.append(Para(tuple(contact)))
    return lines


def _document(kind: str, blocks: list[Block], options: SlipOptions | None = None, **extra: object) -> SlipDocument:
    paper = (options.paper if options else "A4").upper()
    return SlipDocument(kind=kind, name=TITLES[kind], blocks=tuple(blocks), file_stem=FILE_STEMS[kind],
                        paper=paper if paper in ("A4", "A5") else "A4", **extra)  # type: ignore[arg-type]


def _url_lines(label: str, url: str) -> list[Block]:
    return [_plain(label, align="L"), _plain(url, align="L", indent=5, size=11)]


def _one_signature(signature: Signature) -> Signatures:
    return Signatures((Signature("", ""), signature))


# ---------------------------------------------------------------------------------------------


def receipt(data: ReceiptData, options: SlipOptions) -> SlipDocument:
    """Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""
    dossier = data.dossier
    identity = [
        Para((Run(f"{dossier.center_name} tiếp nhận hồ sơ của: "), Run(dossier.applicant.name, bold=True))),
        *_contact_lines(dossier),
        _line("Nội dung yêu cầu giải quyết: ", dossier.procedure_name),
    ]
    blocks: list[Block] = [
        _letterhead(dossier, options, number=NUMBER_BLANK, dated=dossier.received_at),
        Title(TITLES["receipt"], (_code_line(dossier),)),
    ]
    if dossier.lookup_url:
        blocks.append(WithQr(tuple(identity), dossier.lookup_url, "Quét mã để tra cứu"))
    else:
        blocks.extend(identity)
    blocks.append(_plain("1. Thành phần hồ sơ nộp gồm:", space_before=1.5))
    blocks.append(Table(
        columns=(Column(8, "C"), Column(60, "L"), Column(18, "C"), Column(14, "C")),
        head=((Cell(("TT",), bold=True, align="C"), Cell(("Tên giấy tờ",), bold=True, align="C"),
               Cell(("Hình thức",), bold=True, align="C"), Cell(("Số lượng",), bold=True, align="C")),),
        body=tuple(
            (Cell((str(i),)), Cell((doc.name,)), Cell((vn.copy_type(doc.copy_type),)),
             Cell((f"{doc.quantity:02d}" if doc.quantity is not None else "",)))
            for i, doc in enumerate(data.documents, start=1)
        ) or ((Cell(("Theo quy định của thủ tục hành chính",), colspan=4),),),
    ))
    blocks += [
        _line("2. Số lượng hồ sơ: ", "01 (bộ)"),
        _line("3. Thời gian giải quyết hồ sơ theo quy định là: ", vn.time_limit(dossier.time_limit)),
        _line("4. Thời gian nhận hồ sơ: ", vn.instant(dossier.received_at), bold=True),
        _line("5. Thời gian trả kết quả giải quyết hồ sơ: ", vn.instant(data.appointment_at), bold=True),
        _line("6. Đăng ký nhận kết quả tại: ", dossier.result_delivery),
    ]
    fees = [f"{fee.name}: {vn.money(fee.amount_vnd)}" + (f" ({fee.note})" if fee.note else "") for fee in data.fees]
    if len(fees) == 1:
        blocks.append(_line("7. Phí, lệ phí (nếu có): ", fees[0]))
    elif fees:
        blocks.append(_plain("7. Phí, lệ phí (nếu có):"))
        blocks.extend(_plain(f"- {fee}", indent=5) for fee in fees)
    # The public lookup needs this secret with the code; only the receipt prints it.
    blocks.append(Para((Run("Tra cứu tình trạng giải quyết hồ sơ với mã bảo mật tra cứu "),
                        Run(dossier.lookup_secret, bold=True), Run(" tại:" if dossier.lookup_url else "."))))
    if dossier.lookup_url:
        blocks.append(_plain(dossier.lookup_url, align="L", indent=5, size=10))
    blocks.append(Para((Run("Vào Sổ theo dõi hồ sơ, Quyển số: ……… Số thứ tự: "),
                        Run(data.logbook_number or "………"))))
    blocks.append(Signatures((
        Signature("NGƯỜI NỘP HỒ SƠ", name=dossier.applicant.name),
        Signature("NGƯỜI TIẾP NHẬN HỒ SƠ", name=dossier.received_by),
    )))
    blocks.append(Notes("Ghi chú:", (
        "- Giấy tiếp nhận hồ sơ và hẹn trả kết quả được lập thành 02 liên; 01 liên chuyển kèm theo "
        "Phiếu kiểm soát quá trình giải quyết hồ sơ và được lưu tại Bộ phận Một cửa; 01 liên giao cho "
        "cá nhân, tổ chức nộp hồ sơ.",
        "- Cá nhân, tổ chức có thể đăng ký nhận kết quả tại Bộ phận Một cửa hoặc tại nhà (trụ sở tổ chức) "
        "qua dịch vụ bưu chính.",
    )))
    return _document("receipt", blocks, options, font_size=12.0)


def supplement_request(data: SupplementRequestData, options: SlipOptions) -> SlipDocument:
    """Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."""
    dossier = data.dossier
    blocks: list[Block] = [
        _letterhead(dossier, options, number=NUMBER_BLANK, dated=data.requested_at),
        Title(TITLES["supplement_request"], (_code_line(dossier),)),
        Para((Run(f"{dossier.center_name} tiếp nhận hồ sơ của Ông/Bà: "), Run(dossier.applicant.name, bold=True))),
        _line("Nội dung yêu cầu giải quyết: ", dossier.procedure_name),
        *_contact_lines(dossier),
        _line("Thời gian nhận hồ sơ: ", vn.instant(dossier.received_at)),
        _line("Yêu cầu bổ sung, hoàn thiện hồ sơ lần thứ: ", f"{data.number:02d}", bold=True),
        _plain("Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung như sau:", space_before=1.5),
        Table(
            columns=(Column(8, "C"), Column(60, "L"), Column(18, "C"), Column(14, "C")),
            head=((Cell(("TT",), bold=True, align="C"),
                   Cell(("Thành phần hồ sơ / nội dung cần bổ sung, hoàn thiện",), bold=True, align="C"),
                   Cell(("Hình thức",), bold=True, align="C"), Cell(("Số lượng",), bold=True, align="C")),),
            body=tuple(
                (Cell((str(i),)), Cell((item.name,)), Cell((vn.copy_type(item.copy_type),)),
                 Cell((f"{item.quantity:02d}" if item.quantity is not None else "",)))
                for i, item in enumerate(data.items, start=1)
            ) or ((Cell(("Theo lý do nêu dưới đây",), colspan=4),),),
        ),
        _line("Lý do: ", data.reason),
        _line("Thời gian yêu cầu bổ sung: ", vn.instant(data.requested_at), bold=True),
        _line("Thời gian hẹn trả kết quả khi tạm dừng: ", vn.instant(data.due_at_before), bold=True),
        _plain("Thời gian Ông/Bà bổ sung, hoàn thiện hồ sơ không tính vào thời hạn giải quyết; thời hạn được "
               "tính tiếp từ khi nhận đủ hồ sơ bổ sung.", italic=True),
    ]
    if data.resumed_at is not None:
        blocks.append(_line("Thời gian nhận hồ sơ bổ sung: ", vn.instant(data.resumed_at), bold=True))
        blocks.append(_line("Thời gian hẹn trả kết quả mới: ", vn.instant(data.due_at_after), bold=True))
    guide = data.guide_name + (f" ({data.guide_unit})" if data.guide_unit else "")
    blocks.append(Para((Run("Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ "),
                        Run(guide or vn.dotted(None), bold=True),
                        Run(", số điện thoại: ……………… để được hướng dẫn."))))
    if dossier.lookup_url:
        blocks += _url_lines("Ông/Bà có thể tra cứu quy định và tình trạng hồ sơ tại:", dossier.lookup_url)
    blocks.append(_one_signature(Signature("NGƯỜI HƯỚNG DẪN", name=data.guide_name)))
    return _document("supplement_request", blocks, options)


def refusal(data: RefusalData, options: SlipOptions) -> SlipDocument:
    """Mẫu 03: Phiếu từ chối tiếp nhận, giải quyết hồ sơ."""
    dossier = data.dossier
    agency = dossier.lead_agency or dossier.center_name
    blocks: list[Block] = [
        _letterhead(dossier, options, number=NUMBER_BLANK, dated=data.refused_at),
        Title(TITLES["refusal"], (_code_line(dossier),)),
        Para((Run(f"{dossier.center_name} tiếp nhận hồ sơ của Ông/Bà: "), Run(dossier.applicant.name, bold=True))),
        *_contact_lines(dossier),
        _line("Nội dung yêu cầu giải quyết: ", dossier.procedure_name),
        _line("Thời gian nhận hồ sơ: ", vn.instant(dossier.received_at)),
        _plain(f"Qua xem xét, {agency} từ chối tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
               space_before=1.5),
        _plain(data.grounds or vn.dotted(None), bold=True, indent=5),
        _line("Thời gian từ chối: ", vn.instant(data.refused_at)),
        _plain("Xin thông báo để Ông/Bà được biết và thực hiện./.", italic=True),
        _one_signature(Signature("NGƯỜI TỪ CHỐI", name=data.refused_by)),
    ]
    if data.refused_unit:
        blocks.insert(-2, _line("Người quyết định từ chối: ", f"{data.refused_by} ({data.refused_unit})"))
    return _document("refusal", blocks, options)


def apology(data: ApologyData, options: SlipOptions) -> SlipDocument:
    """Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (was Mẫu 04, Phiếu xin lỗi)."""
    dossier = data.dossier
    agency = dossier.lead_agency or dossier.center_name
    blocks: list[Block] = [
        _letterhead(dossier, options, issuer=agency, number="Số: ………/PXL", dated=data.extended_at),
        Title(TITLES["apology"], (_code_line(dossier),)),
        Para((Run("Kính gửi: Ông/Bà "), Run(dossier.applicant.name, bold=True)), align="C", space_before=1.5),
        _line("Địa chỉ: ", dossier.applicant.address),
        _plain(f"Ngày {vn.short_date(dossier.received_at)}, {dossier.center_name} tiếp nhận giải quyết hồ sơ "
               f"của Ông/Bà:", space_before=1.5),
        _line("Mã hồ sơ (số biên nhận): ", dossier.code, indent=5),
        _line("Nội dung yêu cầu giải quyết: ", dossier.procedure_name, indent=5),
        _line("Thời gian hẹn trả kết quả: ", vn.instant(data.old_due_at), bold=True, indent=5),
        _plain(f"Tuy nhiên đến nay, {agency} chưa thể trả kết quả giải quyết hồ sơ của Ông/Bà đúng hẹn."),
        _line("Lý do: ", data.reason),
        _plain(f"Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức của Ông/Bà. {agency} xin lỗi "
               f"Ông/Bà và đề nghị gia hạn thời gian giải quyết hồ sơ."),
        _line("Thời gian hẹn trả kết quả lại: ", vn.instant(data.new_due_at), bold=True),
        _plain("Rất mong nhận được sự thông cảm của Ông/Bà./.", italic=True),
        _one_signature(Signature("THỦ TRƯỞNG CƠ QUAN", "(Ký, ghi rõ họ tên và đóng dấu)")),
        Notes("Nơi nhận:", ("- Như trên;", f"- {dossier.center_name};", "- Lưu: VT.")),
    ]
    return _document("apology", blocks, options)


# ---------------------------------------------------------------------------------------------


def _party(label: str, unit: str, official: str) -> str:
    return f"{label} {unit}" + (f" – {official}" if official else "") if unit else f"{label} {official}"


def _result_label(row: Handover) -> str:
    if row.timeliness is not None:
        return vn.timeliness(row.timeliness)
    return {
        "open": "Đang xử lý",
        "citizen": "Tạm dừng",
        "withdrawn": "Dừng xử lý",
        "cancelled": "Đã hủy",
    }.get(row.state, "Đã xử lý")


def _note_lines(row: Handover) -> tuple[str, ...]:
    if row.state == "result":
        lines = []
        if row.decision:
            lines.append(f"Kết quả: {row.decision}")
        if row.due_at:
            lines.append(f"Hạn giải quyết: {vn.short_instant(row.due_at)}")
        return tuple(lines)
    lines = [row.step_name] if row.step_name else []
    if row.decision:
        lines.append(f"Ý kiến: {row.decision}")
    if row.state == "citizen":
        lines.append("Chờ công dân bổ sung hồ sơ (không tính vào thời hạn)")
        if row.completed_at:
            lines.append(f"Nhận hồ sơ bổ sung: {vn.short_instant(row.completed_at)}")
        return tuple(lines)
    if row.due_at:
        lines.append(f"Hạn xử lý: {vn.short_instant(row.due_at)}")
    if row.completed_at:
        lines.append(f"Hoàn thành: {vn.short_instant(row.completed_at)}")
    if row.note:
        lines.append(f"Lý do: {row.note}")
    return tuple(lines)


def control_row(row: Handover) -> tuple[Cell, ...]:
    parties: tuple[str, ...] = (_party("1. Giao:", row.from_unit, row.from_official),
                                _party("2. Nhận:", row.to_unit, row.to_official))
    if row.state == "result":
        parties = ("Giao kết quả cho tổ chức, cá nhân", *parties)
    return (
        Cell(parties),
        Cell((vn.instant(row.handed_at),)),
        Cell((_result_label(row),), bold=True, align="C"),
        Cell(_note_lines(row)),
    )


def control(data: ControlSlipData, options: SlipOptions) -> SlipDocument:
    """Mẫu 05: Phiếu kiểm soát quá trình giải quyết hồ sơ."""
    dossier = data.dossier
    due_lines: list[Block] = [_line("Thời gian trả kết quả giải quyết hồ sơ: ", vn.instant(dossier.due_at), bold=True)]
    if dossier.original_due_at and dossier.due_at and dossier.original_due_at != dossier.due_at:
        due_lines.append(_plain(
            f"(Hẹn ban đầu: {vn.instant(dossier.original_due_at)}; đã cộng "
            f"{vn.working_duration(dossier.paused_seconds)} làm việc tạm dừng để bổ sung hồ sơ)",
            italic=True, indent=5))
    if dossier.extended_due_at:
        due_lines.append(_line("Thời gian hẹn trả kết quả lại (gia hạn): ", vn.instant(dossier.extended_due_at),
                               bold=True))
    blocks: list[Block] = [
        _letterhead(dossier, options),
        Title(TITLES["control"], (
            _code_line(dossier),
            Para((Run("(Kèm theo hồ sơ của: "), Run(dossier.applicant.name, bold=True), Run(")")), align="C"),
        )),
        _line("Nộp tại: ", f"{dossier.center_name} ({vn.CHANNEL_LABELS.get(dossier.channel, dossier.channel)})"),
        _line("Nơi nhận kết quả: ", dossier.result_delivery),
        _line("Thời gian nhận hồ sơ: ", vn.instant(dossier.received_at), bold=True),
        *due_lines,
        _line("Cơ quan (bộ phận) giải quyết hồ sơ: ", dossier.lead_agency),
        _line("Cơ quan phối hợp giải quyết hồ sơ: ", "; ".join(dossier.co_agencies)),
        Table(
            columns=(Column(30, "L"), Column(19, "C"), Column(17, "C"), Column(34, "L")),
            head=((Cell(("TÊN CƠ QUAN",), bold=True, align="C"),
                   Cell(("THỜI GIAN GIAO, NHẬN HỒ SƠ",), bold=True, align="C"),
                   Cell(("KẾT QUẢ GIẢI QUYẾT HỒ SƠ", "(Trước hạn/đúng hạn/quá hạn)"), bold=True, align="C"),
                   Cell(("GHI CHÚ",), bold=True, align="C")),),
            body=tuple(control_row(row) for row in data.rows),
            size=10.5,
        ),
    ]
    outcome = vn.STATUS_LABELS.get(dossier.status, dossier.status)
    verdict = vn.timeliness(dossier.timeliness) if dossier.timeliness else ""
    blocks.append(Para((Run("Kết quả giải quyết hồ sơ: "), Run(outcome + (f" – {verdict}" if verdict else ""),
                                                                  bold=True)), space_before=2))
    if dossier.supplement_requests:
        blocks.append(_plain(
            f"Số lần yêu cầu bổ sung, hoàn thiện hồ sơ: {dossier.supplement_requests}; thời gian tạm dừng không "
            f"tính vào thời hạn giải quyết: {vn.working_duration(dossier.paused_seconds)} làm việc."))
    if dossier.late_by_rule:
        blocks.append(_plain("Hồ sơ phải yêu cầu bổ sung, hoàn thiện từ lần thứ hai trở đi nên được tính là quá "
                             "hạn (Quyết định số 766/QĐ-TTg).", italic=True))
    blocks.append(Notes("Ghi chú:", (
        "- Kết quả của mỗi bước được so với thời hạn của chính bước đó: Trước hạn (hoàn thành trước ngày hết "
        "hạn), Đúng hạn (hoàn thành trong ngày hết hạn, không quá thời điểm hết hạn), Quá hạn (hoàn thành sau "
        "thời điểm hết hạn).",
        "- Trường hợp hồ sơ được chuyển qua dịch vụ bưu chính thì thời gian giao, nhận hồ sơ và việc ký nhận "
        "thể hiện trong hóa đơn của cơ quan bưu chính.",
    )))
    return _document("control", blocks, SlipOptions(options.place, options.parent, "A4"), font_size=12.0,
                     page_numbers=True)


# ---------------------------------------------------------------------------------------------


def logbook(data: LogbookData, options: SlipOptions) -> SlipDocument:
    """Mẫu 06: Sổ theo dõi hồ sơ (A4 landscape)."""
    period = []
    if data.received_from:
        period.append(f"Từ ngày {vn.short_date(data.received_from)}")
    if data.received_to:
        period.append(f"đến ngày {vn.short_date(data.received_to)}" if period else
                      f"Đến ngày {vn.short_date(data.received_to)}")
    lines = []
    if data.center_name:
        lines.append(Para((Run(data.center_name, bold=True),), align="C"))
    if period:
        lines.append(_plain(" ".join(period), align="C", italic=True))
    header = (
        Cell(("TT",), rowspan=2), Cell(("Mã hồ sơ",), rowspan=2), Cell(("Tên thủ tục hành chính",), rowspan=2),
        Cell(("Tên cá nhân, tổ chức",), rowspan=2), Cell(("Địa chỉ, số điện thoại",), rowspan=2),
        Cell(("Cơ quan chủ trì giải quyết",), rowspan=2), Cell(("Ngày, tháng, năm",), colspan=3),
        Cell(("Phương thức nhận kết quả",), rowspan=2), Cell(("Ký nhận",), rowspan=2),
        Cell(("Ghi chú",), rowspan=2),
    )
    sub = (Cell(("Nhận hồ sơ",)), Cell(("Hẹn trả kết quả",)), Cell(("Trả kết quả",)))
    numbers = tuple(Cell((f"({i})",), italic=True) for i in range(1, 13))
    head = tuple(tuple(Cell(c.lines, bold=not c.italic, italic=c.italic, align="C", colspan=c.colspan,
                            rowspan=c.rowspan) for c in row) for row in (header, sub, numbers))
    body: list[tuple[Cell, ...]] = []
    for i, entry in enumerate(data.entries, start=1):
        note = vn.STATUS_LABELS.get(entry.status, entry.status)
        if entry.timeliness:
            note += f", {vn.timeliness(Timeliness(entry.timeliness)).lower()}"
        body.append((
            Cell((str(i),), align="C"),
            Cell((entry.code,)),
            Cell((entry.procedure_name,)),
            Cell((entry.applicant_name,)),
            Cell(tuple(x for x in (entry.address, entry.phone) if x)),
            Cell((entry.lead_agency,)),
            Cell((vn.short_date(entry.received_at), vn.short_time(entry.received_at)), align="C"),
            Cell((vn.short_date(entry.appointment_at), vn.short_time(entry.appointment_at)), align="C"),
            Cell((vn.short_date(entry.returned_at), vn.short_time(entry.returned_at)) if entry.returned_at else ("",),
                 align="C"),
            Cell((entry.delivery,)),
            Cell((entry.recipient,)),
            Cell((note,)),
        ))
    if not body:
        body.append((Cell(("Không có hồ sơ nào được tiếp nhận trong thời gian này.",), italic=True, align="C",
                          colspan=12),))
    blocks: list[Block] = [
        Title(TITLES["logbook"], tuple(lines)),
        Table(
            columns=(Column(3.5, "C"), Column(12.5, "L"), Column(15, "L"), Column(9.5, "L"), Column(12, "L"),
                     Column(10, "L"), Column(8.5, "C"), Column(8.5, "C"), Column(8.5, "C"), Column(9, "L"),
                     Column(7, "L"), Column(8, "L")),
            head=head,
            body=tuple(body),
            size=9,
        ),
        Para((Run("Tổng số: "), Run(f"{len(data.entries)} hồ sơ", bold=True)), space_before=2),
    ]
    return SlipDocument(kind="logbook", name=TITLES["logbook"], blocks=tuple(blocks), paper="A4", landscape=True,
                        font_size=12, page_numbers=True, file_stem=FILE_STEMS["logbook"])


def compose(data: SlipData | LogbookData, options: SlipOptions | None = None) -> SlipDocument:
    """The document of any slip's data."""
    options = options or SlipOptions()
    if isinstance(data, ReceiptData):
        return receipt(data, options)
    if isinstance(data, SupplementRequestData):
        return supplement_request(data, options)
    if isinstance(data, RefusalData):
        return refusal(data, options)
    if isinstance(data, ApologyData):
        return apology(data, options)
    if isinstance(data, ControlSlipData):
        return control(data, options)
    if isinstance(data, LogbookData):
        return logbook(data, options)
    raise TypeError(f"no slip for {type(data).__name__}")
