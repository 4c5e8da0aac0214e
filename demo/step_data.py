"""What the demo's officials type into each step's form, per procedure, and the reasons they give.

Step data comes from tests/procedures (valid against each step's form). Strings that are exactly a
placeholder are filled per dossier (``demo.driver.fill``): $applicant (the applicant's name), $date
(the local date of the step), $date+N (N days later), $dmy (that date as dd/mm/yyyy), and the values
``demo.intake`` makes for the dossier ($number, $receipt, $child_id, ...).
"""

from __future__ import annotations

from typing import Any

APPLICANT = "$applicant"
DATE = "$date"

ENTERPRISE: dict[str, Any] = {
    "appraise_ok": {"appraisal_decision": "propose_approval", "appraisal_opinion": "Hồ sơ hợp lệ, đủ điều kiện cấp"},
    "appraise_supplement": {
        "appraisal_decision": "request_supplement",
        "appraisal_opinion": "Thiếu điều lệ có chữ ký của chủ sở hữu",
        "missing_documents": ["Điều lệ công ty có chữ ký của chủ sở hữu"],
    },
    "appraise_refuse": {
        "appraisal_decision": "propose_refusal",
        "appraisal_opinion": "Tên doanh nghiệp trùng",
        "refusal_grounds": "Tên doanh nghiệp trùng với doanh nghiệp đã đăng ký (Điều 41 Luật Doanh nghiệp 2020)",
    },
    "supplement": {"supplemented_documents": ["Điều lệ công ty (bản có chữ ký)"], "supplement_note": "Nộp tại quầy"},
    "sign": {"approval_decision": "sign_certificate", "approval_comment": "Đồng ý"},
    "sign_refusal": {"approval_decision": "sign_refusal", "approval_comment": "Đồng ý từ chối"},
    "reappraise": {"approval_decision": "return_for_reappraisal", "approval_comment": "Kiểm tra lại ngành nghề"},
    "return": {"delivery_channel": "counter", "recipient_name": APPLICANT, "delivered_on": DATE},
    "notify_refusal": {"delivery_channel": "counter", "recipient_name": APPLICANT},
}

CERTIFIED_COPY: dict[str, Any] = {
    "appraise_ok": {"appraisal_decision": "propose_certification",
                    "appraisal_opinion": "Bản chính hợp lệ, bản sao đúng với bản chính"},
    "appraise_supplement": {
        "appraisal_decision": "request_supplement",
        "appraisal_opinion": "Học bạ nộp thiếu trang cuối có xác nhận của nhà trường",
        "missing_documents": ["Bản chính học bạ đầy đủ các trang"],
    },
    "appraise_refuse": {
        "appraisal_decision": "propose_refusal",
        "appraisal_opinion": "Bản chính bị sửa chữa",
        "refusal_grounds": ["altered"],
        "refusal_detail": "Bản chính bằng tốt nghiệp bị sửa chữa năm tốt nghiệp, không hợp lệ",
    },
    "supplement": {"supplemented_documents": ["Bản chính học bạ (đủ 12 trang)"], "supplement_note": "Nộp tại quầy"},
    "sign": {"approval_decision": "sign_certification", "approval_comment": "Đồng ý"},
    "sign_refusal": {"approval_decision": "sign_refusal", "approval_comment": "Đồng ý từ chối"},
    "reappraise": {"approval_decision": "return_for_reappraisal", "approval_comment": "Đối chiếu lại số trang học bạ"},
    "return": {"delivery_channel": "counter", "recipient_name": APPLICANT, "delivered_on": DATE,
               "fee_receipt_number": "$receipt"},
    "notify_refusal": {"delivery_channel": "counter", "recipient_name": APPLICANT},
}

BIRTH: dict[str, Any] = {
    "register_ok": {"civil_status_decision": "propose_registration", "civil_status_opinion": "Hồ sơ hợp lệ"},
    "register_supplement": {
        "civil_status_decision": "request_supplement",
        "civil_status_opinion": "Thiếu Giấy chứng sinh",
        "missing_documents": ["Giấy chứng sinh do cơ sở y tế cấp"],
    },
    "register_refuse": {
        "civil_status_decision": "propose_refusal",
        "civil_status_opinion": "Trẻ đã được đăng ký khai sinh",
        "refusal_grounds": "Trẻ đã được đăng ký khai sinh tại nơi cư trú trước đây của cha, mẹ",
    },
    "supplement": {"supplemented_documents": ["Giấy chứng sinh"], "supplement_note": "Nộp bản điện tử"},
    "sign": {"approval_decision": "sign_birth_certificate"},
    "sign_refusal": {"approval_decision": "sign_refusal", "approval_comment": "Đồng ý từ chối"},
    "reappraise": {"approval_decision": "return_for_reappraisal", "approval_comment": "Kiểm tra lại tên của trẻ"},
    "residence_ok": {"residence_decision": "registered", "residence_verified": False, "personal_id_number": "$child_id",
                     "registered_address": "$address"},
    "residence_problem": {"residence_decision": "not_registered", "residence_verified": False,
                          "residence_problem": "Chỗ ở đề nghị đăng ký chưa có ý kiến đồng ý của chủ hộ"},
    "insurance_ok": {"insurance_decision": "card_issued", "health_insurance_card_number": "$card",
                     "card_valid_from": DATE, "card_valid_to": "$date+2190",
                     "initial_care_facility": "$care_facility"},
    "return": {"delivery_channel": "electronic", "recipient_name": APPLICANT, "delivered_on": DATE},
    "return_partial": {"delivery_channel": "electronic", "recipient_name": APPLICANT, "delivered_on": DATE,
                       "unresolved_notice": "Chưa đăng ký được thường trú: cần văn bản đồng ý của chủ hộ; "
                                            "nộp bổ sung tại Công an xã"},
    "notify_refusal": {"delivery_channel": "counter", "recipient_name": APPLICANT},
}

CONVICTION = {
    "judgment_reference": "Bản án số 45/2019/HS-ST ngày 12/6/2019",
    "court_name": "Tòa án nhân dân thành phố Hạ Long",
    "offence": "Trộm cắp tài sản (khoản 1 Điều 173 Bộ luật Hình sự)",
    "sentence": "12 tháng tù cho hưởng án treo",
    "enforcement_status": "Đã chấp hành xong hình phạt",
    "expunged": False,
}
JUDICIAL: dict[str, Any] = {
    "appraise_verify": {"appraisal_decision": "request_verification",
                        "appraisal_opinion": "Hồ sơ hợp lệ; đề nghị xác minh tại Công an tỉnh và Tòa án",
                        "database_search_result": "not_found"},
    "appraise_supplement": {"appraisal_decision": "request_supplement",
                            "appraisal_opinion": "Tờ khai thiếu họ tên cha, mẹ",
                            "missing_documents": ["Tờ khai ghi đầy đủ họ tên cha, mẹ"]},
    "appraise_refuse": {"appraisal_decision": "propose_refusal",
                        "appraisal_opinion": "Người nộp không có quyền yêu cầu",
                        "refusal_grounds": "Người yêu cầu không thuộc đối tượng được cấp Phiếu lý lịch tư pháp"},
    "police_clear": {"police_finding": "not_found", "police_reply_reference": "Công văn số $number/PV06 ngày $dmy"},
    "police_found": {"police_finding": "found", "police_convictions": [CONVICTION],
                     "police_reply_reference": "Công văn số $number/PV06 ngày $dmy"},
    "court_clear": {"court_finding": "not_found", "court_reply_reference": "Công văn số $number/TA ngày $dmy"},
    "synthesise_clean": {"record_status": "no_record", "synthesis_opinion": "Không có thông tin án tích"},
    "synthesise_record": {"record_status": "has_record", "convictions": [CONVICTION],
                          "synthesis_opinion": "Có một án tích theo kết quả xác minh của Công an tỉnh"},
    "sign": {"approval_decision": "sign_certificate", "approval_comment": "Đồng ý"},
    "sign_refusal": {"approval_decision": "sign_refusal", "approval_comment": "Đồng ý từ chối"},
    "return_draft": {"approval_decision": "return_for_reappraisal",
                     "approval_comment": "Ghi rõ tình trạng thi hành án"},
    "supplement": {"supplemented_documents": ["Tờ khai đã bổ sung họ tên cha, mẹ"]},
    "return": {"delivery_channel": "counter", "recipient_name": APPLICANT, "delivered_on": DATE},
    "notify_refusal": {"delivery_channel": "counter", "recipient_name": APPLICANT},
}

TOURIST: dict[str, Any] = {
    "check_ok": {"dossier_check_decision": "organise_site_appraisal", "check_opinion": "Hồ sơ hợp lệ, đủ thành phần",
                 "appraisal_team": ["$specialist_name – Phòng Quản lý du lịch",
                                    "$association_name – Hiệp hội Du lịch tỉnh"],
                 "planned_visit_date": "$date+5"},
    "check_supplement": {"dossier_check_decision": "request_supplement",
                         "check_opinion": "Thiếu bản tự đánh giá theo TCVN 4391:2015",
                         "missing_documents": ["Bản tự đánh giá chất lượng theo tiêu chuẩn xếp hạng"]},
    "supplement": {"supplemented_documents": ["Bản tự đánh giá chất lượng (bản có chữ ký, đóng dấu)"]},
    "department_meets": {"department_visit_date": DATE, "department_site_decision": "meets_standard",
                         "department_assessed_rating": "$rating",
                         "department_findings": "Đạt các tiêu chí hạng đề nghị"},
    "association_meets": {"association_visit_date": DATE, "association_site_decision": "meets_standard",
                          "association_assessed_rating": "$rating",
                          "association_findings": "Nhất trí đạt hạng đề nghị"},
    "department_below": {"department_visit_date": DATE, "department_site_decision": "below_standard",
                         "department_findings": "Nhiều tiêu chí về buồng ngủ chưa đạt",
                         "department_shortcomings": ["Diện tích buồng ngủ dưới mức tối thiểu của hạng 1 sao"]},
    "association_below": {"association_visit_date": DATE, "association_site_decision": "below_standard",
                          "association_findings": "Không đạt hạng đề nghị",
                          "association_shortcomings": ["Chưa có nhân viên lễ tân sử dụng được ngoại ngữ"]},
    "propose_ok": {"proposal_decision": "propose_recognition",
                   "appraisal_minutes": "Đoàn thẩm định thống nhất cơ sở đạt hạng đề nghị",
                   "proposed_rating": "$rating"},
    "propose_refusal": {"proposal_decision": "propose_refusal",
                        "appraisal_minutes": "Đoàn thẩm định thống nhất cơ sở chưa đạt hạng 1 sao",
                        "refusal_grounds": "Không đáp ứng tiêu chuẩn TCVN 4391:2015 về diện tích buồng ngủ"},
    "recognise": {"approval_decision": "recognise_rating", "recognised_rating": "$rating",
                  "approval_comment": "Đồng ý"},
    "refuse": {"approval_decision": "refuse_recognition"},
    "reappraise": {"approval_decision": "return_for_reappraisal",
                   "approval_comment": "Làm rõ điểm chấm khu vực lễ tân"},
    "return": {"delivery_channel": "counter", "recipient_name": APPLICANT, "delivered_on": DATE},
    "notify_refusal": {"delivery_channel": "post", "recipient_name": APPLICANT},
}

CONSTRUCTION: dict[str, Any] = {
    "appraise_issue": {"appraisal_decision": "propose_issue", "site_inspected_on": DATE,
                       "appraisal_opinion": "Hồ sơ hợp lệ, phù hợp quy hoạch chi tiết và thiết kế đã thẩm định"},
    "appraise_consult": {"appraisal_decision": "consult_agencies", "site_inspected_on": DATE,
                         "appraisal_opinion": "Công trình cần ý kiến về phòng cháy, chữa cháy và môi trường",
                         "consultation_questions": "Đề nghị cho ý kiến về giải pháp phòng cháy, chữa cháy và "
                                                   "sự phù hợp với quy hoạch sử dụng đất, bảo vệ môi trường"},
    "appraise_supplement": {"appraisal_decision": "request_supplement",
                            "appraisal_opinion": "Bản vẽ thiết kế thiếu mặt bằng móng",
                            "missing_documents": ["Bản vẽ mặt bằng móng và sơ đồ đấu nối hạ tầng kỹ thuật"]},
    "appraise_refuse": {"appraisal_decision": "propose_refusal",
                        "appraisal_opinion": "Vị trí xây dựng không phù hợp quy hoạch",
                        "refusal_grounds": "Thửa đất nằm trong hành lang bảo vệ công trình giao thông"},
    "supplement": {"supplemented_documents": ["Bản vẽ mặt bằng móng (02 bộ)"], "supplement_note": "Nộp tại quầy"},
    "fire_agree": {"fire_safety_decision": "agree", "fire_safety_comments": "Giải pháp phòng cháy đạt yêu cầu",
                   "fire_safety_document_number": "$number/PC07-P3", "fire_safety_document_date": DATE},
    "environment_agree": {"environment_decision": "agree",
                          "environment_comments": "Phù hợp quy hoạch sử dụng đất, không phát sinh chất thải nguy hại",
                          "environment_document_number": "$number/SNNMT-MT", "environment_document_date": DATE},
    "synthesize_issue": {"synthesis_decision": "propose_issue",
                         "synthesis_report": "Các cơ quan thống nhất; đủ điều kiện cấp giấy phép xây dựng"},
    "sign": {"approval_decision": "sign_permit", "approval_comment": "Đồng ý"},
    "sign_refusal": {"approval_decision": "sign_refusal", "approval_comment": "Đồng ý từ chối"},
    "reappraise": {"approval_decision": "return_for_reappraisal", "approval_comment": "Rà soát lại chỉ giới xây dựng"},
    "return": {"delivery_channel": "counter", "recipient_name": APPLICANT, "delivered_on": DATE},
    "notify_refusal": {"delivery_channel": "counter", "recipient_name": APPLICANT},
}

# The departments a request for an investment policy may be sent to for opinions (its check form).
CONSULTABLE = ["so_xay_dung", "so_nong_nghiep_moi_truong", "so_cong_thuong", "so_vhttdl", "so_khoa_hoc_cong_nghe",
               "cong_an_tinh", "bo_chqs_tinh", "thue_tinh", "ubnd_xa"]


def _opinion(decision: str) -> dict[str, Any]:
    data: dict[str, Any] = {"opinion_decision": decision,
                            "opinion_content": "Ý kiến về các nội dung thuộc phạm vi quản lý của cơ quan",
                            "opinion_document_number": "$number/CV", "opinion_document_date": DATE}
    if decision == "agree_with_conditions":
        data["opinion_conditions"] = ["Bảo đảm khoảng lùi công trình theo quy hoạch chi tiết"]
    return data


INVESTMENT: dict[str, Any] = {
    "send_two": {"dossier_check_decision": "send_for_opinions", "check_opinion": "Hồ sơ hợp lệ",
                 "consulted_departments": "$two_departments",
                 "consultation_content": "Đề nghị cho ý kiến về sự phù hợp quy hoạch, nhu cầu sử dụng đất "
                                         "và môi trường"},
    "send_one": {"dossier_check_decision": "send_for_opinions", "check_opinion": "Hồ sơ hợp lệ",
                 "consulted_departments": "$one_department",
                 "consultation_content": "Đề nghị cho ý kiến về sự phù hợp quy hoạch và nhu cầu sử dụng đất"},
    "check_supplement": {"dossier_check_decision": "request_supplement", "check_opinion": "Thiếu báo cáo tài chính",
                         "missing_documents": ["Báo cáo tài chính hai năm gần nhất của nhà đầu tư"]},
    "supplement": {"supplemented_documents": ["Báo cáo tài chính đã kiểm toán hai năm gần nhất"]},
    "agree": _opinion("agree"),
    "agree_with_conditions": _opinion("agree_with_conditions"),
    "disagree": _opinion("disagree"),
    "report_approval": {"report_decision": "propose_approval", "report_summary": "Dự án đáp ứng điều kiện"},
    "report_refusal": {"report_decision": "propose_refusal", "report_summary": "Dự án không phù hợp quy hoạch",
                       "refusal_grounds": "Địa điểm dự án không phù hợp quy hoạch sử dụng đất cấp tỉnh"},
    "sign_report": {"report_approval_decision": "submit_to_province"},
    "revise_report": {"report_approval_decision": "return_for_revision",
                      "leader_comment": "Bổ sung đánh giá nguồn vốn"},
    "review_ok": {"review_decision": "submit_to_leaders", "review_note": "Hồ sơ trình đầy đủ"},
    "approve": {"policy_decision": "approve_policy"},
    "refuse": {"policy_decision": "refuse_policy", "decision_comment": "Không phù hợp quy hoạch"},
    "return": {"delivery_channel": "counter", "recipient_name": APPLICANT, "delivered_on": DATE},
    "notify_refusal": {"delivery_channel": "electronic", "recipient_name": APPLICANT},
}

LAND: dict[str, Any] = {
    "verify": {"land_origin": "Đất ở do ông bà để lại, sử dụng ổn định từ năm 1992", "land_use_since": "1992-05-01",
               "dispute_status": "no_dispute", "planning_conformity": "conforms", "posted_from": DATE,
               "posted_to": "$date+14", "verification_note": "Sử dụng ổn định, không tranh chấp, phù hợp quy hoạch"},
    "appraise_ok": {"appraisal_decision": "propose_registration",
                    "appraisal_opinion": "Đủ điều kiện cấp Giấy chứng nhận", "surveyed_area_m2": "$area"},
    "appraise_supplement": {"appraisal_decision": "request_supplement",
                            "appraisal_opinion": "Thiếu giấy tờ về tài sản gắn liền với đất",
                            "missing_documents": ["Giấy phép xây dựng nhà ở"]},
    "appraise_refuse": {"appraisal_decision": "propose_refusal", "appraisal_opinion": "Thửa đất đang có tranh chấp",
                        "refusal_grounds": "Thửa đất đang có tranh chấp về ranh giới với thửa liền kề "
                                           "(Điều 151 Luật Đất đai)"},
    "supplement": {"supplemented_documents": ["Giấy phép xây dựng nhà ở"]},
    "approve": {"registration_decision": "approve_registration"},
    "sign_refusal": {"registration_decision": "sign_refusal",
                     "registration_comment": "Đất đang có tranh chấp ranh giới"},
    "reappraise": {"registration_decision": "return_for_reappraisal", "registration_comment": "Kiểm tra lại diện tích"},
    "transfer": {"tax_transfer_number": "$number/PCTT", "transferred_on": DATE, "transfer_area_m2": "$area",
                 "land_use_term": "long_term"},
    "assess_payable": {"obligation_decision": "payable", "tax_notice_number": "TB-$number",
                       "land_use_fee_vnd": 45_000_000, "registration_fee_vnd": 1_250_000,
                       "payment_deadline": "$date+30"},
    "deliver_notice": {"notice_delivery_channel": "counter", "notice_recipient_name": APPLICANT,
                       "notice_delivered_on": DATE},
    "paid": {"obligation_status": "paid", "amount_paid_vnd": 46_250_000,
             "proof_documents": ["Giấy nộp tiền vào ngân sách nhà nước số $number"], "confirmed_on": DATE},
    "prepare": {"certificate_serial": "$serial", "cadastral_database_updated": True},
    "sign": {"certificate_decision": "sign_certificate"},
    "return": {"delivery_channel": "counter", "recipient_name": APPLICANT, "delivered_on": DATE},
    "notify_refusal": {"delivery_channel": "counter", "recipient_name": APPLICANT},
}

WITHDRAW_REASONS = ["Công dân đề nghị rút hồ sơ để bổ sung giấy tờ và nộp lại sau",
                    "Tổ chức đề nghị rút hồ sơ do thay đổi phương án kinh doanh",
                    "Người nộp đề nghị rút hồ sơ (đơn đề nghị rút hồ sơ có chữ ký)"]
EXTEND_REASONS = ["Cần thêm thời gian xác minh thông tin tại cơ quan phối hợp",
                  "Hệ thống cơ sở dữ liệu chuyên ngành gián đoạn; xin lỗi và hẹn lại ngày trả kết quả"]
DELEGATE_REASONS = ["Chuyên viên đi công tác, chuyển đồng nghiệp xử lý tiếp", "Phân công lại theo lĩnh vực phụ trách"]
