"""The Decision 766/QĐ-TTg indicators the engine's own data can compute, each with its formula.

Group 2 (progress and results) entirely; the dossier-level parts of groups 3 and 5. Each names
the figures its numerator and denominator count, so a reader can open the dossiers behind them
(engine.statistics.lists.drill_down). Indicators that need data the engine does not hold (DVCQG
synchronisation, electronic results, citizens' feedback) are listed as not computable, saying why.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.statistics.figures import Figures


@dataclass(frozen=True)
class Indicator:
    code: str            # the indicator's number in Decision 766
    name: str
    name_en: str
    formula: str
    formula_en: str
    value: float | None  # a fraction, or working days for 2.2; None when not computable or nothing to count
    unit: str            # "rate" | "working_days"
    numerator: float | None = None
    denominator: float | None = None
    numerator_figure: str | None = None    # the drill-down figure (engine.statistics.lists.Drill) behind each
    denominator_figure: str | None = None
    missing: str | None = None             # why it cannot be computed from the engine's data
    missing_en: str | None = None


def indicators(figures: Figures, ratings: tuple[int, int] | None = None) -> list[Indicator]:
    """The indicators of one period's ``figures``. ``ratings``: (ratings "dissatisfied", ratings) of
    the period (engine.statistics.ratings); without them 5.4 says it cannot be computed."""
    finished_or_open = figures.finished + figures.in_progress
    in_time = figures.in_time + figures.in_progress - figures.in_progress_late
    late = figures.late + figures.in_progress_late
    result = [
        Indicator("2.1", "Tỷ lệ hồ sơ giải quyết đúng hạn", "On-time rate",
                  "(hồ sơ đã giải quyết trước hạn, đúng hạn + hồ sơ đang giải quyết còn trong hạn) / "
                  "(hồ sơ đã giải quyết + hồ sơ đang giải quyết); đúng hạn khi NgàyKếtThúcXửLý ≤ NgàyHẹnTrả, "
                  "trừ thời gian chờ bổ sung; yêu cầu bổ sung lần hai tính là quá hạn",
                  "(finished early or on time + in progress within the deadline) / (finished + in progress); on time "
                  "when end of processing ≤ appointment, supplementation time excluded; a second supplementation "
                  "request counts as late",
                  figures.on_time_rate, "rate", in_time, finished_or_open, "in_time", "finished"),
        Indicator("2.2", "Thời gian giải quyết trung bình", "Average processing time",
                  "tổng số ngày làm việc giải quyết (trừ thời gian tạm dừng) / số hồ sơ đã có kết quả hoặc bị từ chối",
                  "working days taken (pauses excluded) / dossiers with a result or a refusal",
                  figures.average_working_days, "working_days",
                  figures.used_seconds / figures.working_day_seconds, figures.decided, None, "finished"),
        Indicator("2.3", "Thời gian tiết kiệm so với quy định", "Time saved against the legal limit",
                  "(thời gian làm việc đã dùng / thời gian luật cho phép) − 1, trên các hồ sơ đã có kết quả",
                  "(working time used / working time the law allows) − 1, over dossiers with a result",
                  figures.time_saved, "rate", figures.used_seconds, figures.allowed_seconds, None, "finished"),
        Indicator("2.4", "Tỷ lệ hồ sơ quá hạn", "Overdue rate",
                  "(hồ sơ đã giải quyết quá hạn + hồ sơ đang giải quyết đã quá hạn) / (hồ sơ đã giải quyết + "
                  "đang giải quyết)",
                  "(finished late + in progress past the deadline) / (finished + in progress)",
                  late / finished_or_open if finished_or_open else None, "rate", late, finished_or_open, "late",
                  "finished"),
        Indicator("2.5", "Tỷ lệ hồ sơ phải bổ sung", "Supplementation rate",
                  "hồ sơ đã giải quyết có yêu cầu bổ sung / hồ sơ đã giải quyết",
                  "finished dossiers that had a supplementation request / finished dossiers",
                  figures.supplementation_rate, "rate", figures.supplemented, figures.finished, "supplemented",
                  "finished"),
        Indicator("2.6", "Tỷ lệ hồ sơ bị từ chối", "Refusal rate",
                  "hồ sơ từ chối giải quyết / hồ sơ đã giải quyết", "refused dossiers / finished dossiers",
                  figures.refusal_rate, "rate", figures.refused, figures.finished, "refused", "finished"),
    ]
    received = figures.received or 0
    result.append(Indicator(
        "3.3", "Tỷ lệ hồ sơ tiếp nhận trực tuyến", "Online submission rate",
        "hồ sơ tiếp nhận trực tuyến (KenhThucHien = 2) / hồ sơ tiếp nhận (phần của hệ thống; chưa nhân tỷ lệ đồng bộ "
        "DVCQG)", "dossiers received online / dossiers received (the engine's part; not yet multiplied by the "
        "DVCQG sync rate)",
        (figures.received_online or 0) / received if received else None, "rate", figures.received_online,
        received, None, "received"))
    overdue = late / finished_or_open if finished_or_open else None
    if ratings is None:
        result.append(Indicator(
            "5.4", "Mức độ hài lòng trong giải quyết TTHC", "Satisfaction in handling procedures",
            "100% − (tỷ lệ hồ sơ quá hạn + tỷ lệ hồ sơ có phản ánh hoặc đánh giá không hài lòng)",
            "100% − (overdue rate + rate of dossiers with feedback or a dislike rating)", None, "rate",
            missing="chưa có dữ liệu đánh giá của người dân; phần quá hạn xem chỉ số 2.4",
            missing_en="no citizens' ratings yet; for the overdue part see indicator 2.4"))
    else:
        disliked, rated = ratings
        share = disliked / finished_or_open if finished_or_open else 0.0
        result.append(Indicator(
            "5.4", "Mức độ hài lòng trong giải quyết TTHC", "Satisfaction in handling procedures",
            "100% − (tỷ lệ hồ sơ quá hạn + hồ sơ bị đánh giá không hài lòng / (hồ sơ đã giải quyết + đang "
            f"giải quyết)); {rated} lượt đánh giá trong kỳ; phản ánh, kiến nghị chưa gắn với hồ sơ nên chưa tính",
            "100% − (overdue rate + dossiers rated dissatisfied / (finished + in progress)); "
            f"{rated} ratings in the period; feedback is not linked to dossiers, so not counted",
            None if overdue is None else max(0.0, 1 - overdue - share), "rate", late + disliked, finished_or_open,
            None, "finished"))
    for code, name, name_en, why, why_en in NOT_COMPUTABLE:
        result.append(Indicator(code, name, name_en, "", "", None, "rate", missing=why, missing_en=why_en))
    return result


NOT_COMPUTABLE = [
    ("1.4", "Tỷ lệ đồng bộ hồ sơ lên Cổng DVCQG", "Dossier sync rate to the national portal",
     "hệ thống chưa đồng bộ với Cổng Dịch vụ công quốc gia", "the engine does not sync with the national portal yet"),
    ("4.1", "Tỷ lệ hồ sơ có kết quả điện tử", "Dossiers with an electronic result",
     "hệ thống chưa lưu liên kết kết quả điện tử", "the engine keeps no electronic result link yet"),
    ("4.2", "Tỷ lệ số hóa hồ sơ", "Digitisation rate",
     "hệ thống chưa ghi nhận thành phần hồ sơ đã số hóa", "the engine records no digitised components yet"),
]
