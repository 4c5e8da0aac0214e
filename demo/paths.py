"""Paths through each deployed diagram, and how many dossiers of each kind the demo makes.

A path is a list of stages; a stage is the (element id, step data) of the tasks open together
(parallel branches). "main" is the usual outcome; the others are the variants the demo shows:
"supplement" (the citizen is asked for more), "refuse", "returned" (the leader sends it back),
"direct" (closed dossiers that skip a consultation), "partial" (one result could not be given).
"""

from __future__ import annotations

from typing import Any

from demo.step_data import BIRTH as _B
from demo.step_data import CERTIFIED_COPY as _C
from demo.step_data import CONSTRUCTION as _K
from demo.step_data import ENTERPRISE as _E
from demo.step_data import INVESTMENT as _I
from demo.step_data import JUDICIAL as _J
from demo.step_data import LAND as _L
from demo.step_data import TOURIST as _T

Stage = list[tuple[str, dict[str, Any]]]


def _s(*steps: tuple[str, dict[str, Any]]) -> Stage:
    return list(steps)


# After the opinions, the lead department's report goes up to the People's Committee.
_DECIDE = [_s(("prepare_appraisal_report", _I["report_approval"])), _s(("sign_appraisal_report", _I["sign_report"])),
           _s(("review_submission", _I["review_ok"])), _s(("decide_investment_policy", _I["approve"])),
           _s(("return_result", _I["return"]))]
PATHS: dict[str, dict[str, list[Stage]]] = {
    "enterprise_registration": {
        "main": [_s(("appraise_dossier", _E["appraise_ok"])), _s(("approve_dossier", _E["sign"])),
                 _s(("return_result", _E["return"]))],
        "supplement": [_s(("appraise_dossier", _E["appraise_supplement"])),
                       _s(("receive_supplement", _E["supplement"])),
                       _s(("appraise_dossier", _E["appraise_ok"])), _s(("approve_dossier", _E["sign"])),
                       _s(("return_result", _E["return"]))],
        "refuse": [_s(("appraise_dossier", _E["appraise_refuse"])), _s(("approve_dossier", _E["sign_refusal"])),
                   _s(("notify_refusal", _E["notify_refusal"]))],
        "returned": [_s(("appraise_dossier", _E["appraise_ok"])), _s(("approve_dossier", _E["reappraise"])),
                     _s(("appraise_dossier", _E["appraise_ok"])), _s(("approve_dossier", _E["sign"])),
                     _s(("return_result", _E["return"]))],
    },
    "certified_copy": {
        "main": [_s(("appraise_dossier", _C["appraise_ok"])), _s(("approve_dossier", _C["sign"])),
                 _s(("return_result", _C["return"]))],
        "supplement": [_s(("appraise_dossier", _C["appraise_supplement"])),
                       _s(("receive_supplement", _C["supplement"])),
                       _s(("appraise_dossier", _C["appraise_ok"])), _s(("approve_dossier", _C["sign"])),
                       _s(("return_result", _C["return"]))],
        "refuse": [_s(("appraise_dossier", _C["appraise_refuse"])), _s(("approve_dossier", _C["sign_refusal"])),
                   _s(("notify_refusal", _C["notify_refusal"]))],
        "returned": [_s(("appraise_dossier", _C["appraise_ok"])), _s(("approve_dossier", _C["reappraise"])),
                     _s(("appraise_dossier", _C["appraise_ok"])), _s(("approve_dossier", _C["sign"])),
                     _s(("return_result", _C["return"]))],
    },
    "birth_registration_combo": {
        "main": [_s(("register_birth", _B["register_ok"])), _s(("approve_birth_registration", _B["sign"])),
                 _s(("register_residence", _B["residence_ok"]),
                    ("issue_health_insurance_card", _B["insurance_ok"])),
                 _s(("return_results", _B["return"]))],
        "supplement": [_s(("register_birth", _B["register_supplement"])), _s(("receive_supplement", _B["supplement"])),
                       _s(("register_birth", _B["register_ok"])), _s(("approve_birth_registration", _B["sign"])),
                       _s(("issue_health_insurance_card", _B["insurance_ok"]),
                          ("register_residence", _B["residence_ok"])),
                       _s(("return_results", _B["return"]))],
        "refuse": [_s(("register_birth", _B["register_refuse"])),
                   _s(("approve_birth_registration", _B["sign_refusal"])),
                   _s(("notify_refusal", _B["notify_refusal"]))],
        "returned": [_s(("register_birth", _B["register_ok"])), _s(("approve_birth_registration", _B["reappraise"])),
                     _s(("register_birth", _B["register_ok"])), _s(("approve_birth_registration", _B["sign"])),
                     _s(("register_residence", _B["residence_ok"]),
                        ("issue_health_insurance_card", _B["insurance_ok"])),
                     _s(("return_results", _B["return"]))],
        "partial": [_s(("register_birth", _B["register_ok"])), _s(("approve_birth_registration", _B["sign"])),
                    _s(("register_residence", _B["residence_problem"]),
                       ("issue_health_insurance_card", _B["insurance_ok"])),
                    _s(("return_partial_results", _B["return_partial"]))],
    },
    "judicial_record": {
        "main": [_s(("appraise_dossier", _J["appraise_verify"])),
                 _s(("verify_police", _J["police_clear"]), ("verify_court", _J["court_clear"])),
                 _s(("synthesise_record", _J["synthesise_clean"])), _s(("approve_certificate", _J["sign"])),
                 _s(("return_result", _J["return"]))],
        "supplement": [_s(("appraise_dossier", _J["appraise_supplement"])),
                       _s(("receive_supplement", _J["supplement"])),
                       _s(("appraise_dossier", _J["appraise_verify"])),
                       _s(("verify_court", _J["court_clear"]), ("verify_police", _J["police_clear"])),
                       _s(("synthesise_record", _J["synthesise_clean"])), _s(("approve_certificate", _J["sign"])),
                       _s(("return_result", _J["return"]))],
        "refuse": [_s(("appraise_dossier", _J["appraise_refuse"])), _s(("approve_refusal", _J["sign_refusal"])),
                   _s(("notify_refusal", _J["notify_refusal"]))],
        "returned": [_s(("appraise_dossier", _J["appraise_verify"])),
                     _s(("verify_police", _J["police_found"]), ("verify_court", _J["court_clear"])),
                     _s(("synthesise_record", _J["synthesise_record"])),
                     _s(("approve_certificate", _J["return_draft"])),
                     _s(("synthesise_record", _J["synthesise_record"])), _s(("approve_certificate", _J["sign"])),
                     _s(("return_result", _J["return"]))],
    },
    "tourist_accommodation_rating": {
        "main": [_s(("check_dossier", _T["check_ok"])),
                 _s(("department_site_appraisal", _T["department_meets"]),
                    ("association_site_appraisal", _T["association_meets"])),
                 _s(("propose_rating", _T["propose_ok"])), _s(("approve_rating", _T["recognise"])),
                 _s(("return_result", _T["return"]))],
        "supplement": [_s(("check_dossier", _T["check_supplement"])), _s(("receive_supplement", _T["supplement"])),
                       _s(("check_dossier", _T["check_ok"])),
                       _s(("association_site_appraisal", _T["association_meets"]),
                          ("department_site_appraisal", _T["department_meets"])),
                       _s(("propose_rating", _T["propose_ok"])), _s(("approve_rating", _T["recognise"])),
                       _s(("return_result", _T["return"]))],
        "refuse": [_s(("check_dossier", _T["check_ok"])),
                   _s(("department_site_appraisal", _T["department_below"]),
                      ("association_site_appraisal", _T["association_below"])),
                   _s(("propose_rating", _T["propose_refusal"])), _s(("approve_rating", _T["refuse"])),
                   _s(("notify_refusal", _T["notify_refusal"]))],
        "returned": [_s(("check_dossier", _T["check_ok"])),
                     _s(("department_site_appraisal", _T["department_meets"]),
                        ("association_site_appraisal", _T["association_meets"])),
                     _s(("propose_rating", _T["propose_ok"])), _s(("approve_rating", _T["reappraise"])),
                     _s(("propose_rating", _T["propose_ok"])), _s(("approve_rating", _T["recognise"])),
                     _s(("return_result", _T["return"]))],
    },
    "construction_permit": {
        "main": [_s(("appraise_dossier", _K["appraise_consult"])),
                 _s(("fire_safety_opinion", _K["fire_agree"]), ("environment_opinion", _K["environment_agree"])),
                 _s(("synthesize_opinions", _K["synthesize_issue"])), _s(("approve_permit", _K["sign"])),
                 _s(("return_result", _K["return"]))],
        "direct": [_s(("appraise_dossier", _K["appraise_issue"])), _s(("approve_permit", _K["sign"])),
                   _s(("return_result", _K["return"]))],
        "supplement": [_s(("appraise_dossier", _K["appraise_supplement"])),
                       _s(("receive_supplement", _K["supplement"])),
                       _s(("appraise_dossier", _K["appraise_issue"])), _s(("approve_permit", _K["sign"])),
                       _s(("return_result", _K["return"]))],
        "refuse": [_s(("appraise_dossier", _K["appraise_refuse"])), _s(("approve_permit", _K["sign_refusal"])),
                   _s(("notify_refusal", _K["notify_refusal"]))],
        "returned": [_s(("appraise_dossier", _K["appraise_issue"])), _s(("approve_permit", _K["reappraise"])),
                     _s(("appraise_dossier", _K["appraise_issue"])), _s(("approve_permit", _K["sign"])),
                     _s(("return_result", _K["return"]))],
    },
}

PATHS["investment_policy"] = {
    # Two departments consulted at once, each in its own task.
    "main": [_s(("check_dossier", _I["send_two"])),
             _s(("give_opinion", _I["agree"]), ("give_opinion", _I["agree_with_conditions"])), *_DECIDE],
    # Closed dossiers consult one department.
    "direct": [_s(("check_dossier", _I["send_one"])), _s(("give_opinion", _I["agree"])), *_DECIDE],
    "supplement": [_s(("check_dossier", _I["check_supplement"])), _s(("receive_supplement", _I["supplement"])),
                   _s(("check_dossier", _I["send_one"])), _s(("give_opinion", _I["agree"])), *_DECIDE],
    "refuse": [_s(("check_dossier", _I["send_one"])), _s(("give_opinion", _I["disagree"])),
               _s(("prepare_appraisal_report", _I["report_refusal"])), _s(("sign_appraisal_report", _I["sign_report"])),
               _s(("review_submission", _I["review_ok"])), _s(("decide_investment_policy", _I["refuse"])),
               _s(("notify_refusal", _I["notify_refusal"]))],
    "returned": [_s(("check_dossier", _I["send_one"])), _s(("give_opinion", _I["agree"])),
                 _s(("prepare_appraisal_report", _I["report_approval"])),
                 _s(("sign_appraisal_report", _I["revise_report"])), *_DECIDE],
}

# The land office and the tax authority exchange messages; the land user pays while the notice is
# handed over (the clock stops while the payment is awaited).
_LAND_TAX = [_s(("prepare_tax_transfer", _L["transfer"])), _s(("assess_financial_obligation", _L["assess_payable"])),
             _s(("deliver_tax_notice", _L["deliver_notice"]), ("record_payment", _L["paid"])),
             _s(("prepare_certificate", _L["prepare"])), _s(("approve_certificate", _L["sign"])),
             _s(("return_result", _L["return"]))]
PATHS["land_first_registration"] = {
    "main": [_s(("verify_land_status", _L["verify"])), _s(("appraise_dossier", _L["appraise_ok"])),
             _s(("approve_registration", _L["approve"])), *_LAND_TAX],
    "supplement": [_s(("verify_land_status", _L["verify"])), _s(("appraise_dossier", _L["appraise_supplement"])),
                   _s(("receive_supplement", _L["supplement"])), _s(("appraise_dossier", _L["appraise_ok"])),
                   _s(("approve_registration", _L["approve"])), *_LAND_TAX],
    "refuse": [_s(("verify_land_status", _L["verify"])), _s(("appraise_dossier", _L["appraise_refuse"])),
               _s(("approve_registration", _L["sign_refusal"])), _s(("notify_refusal", _L["notify_refusal"]))],
    "returned": [_s(("verify_land_status", _L["verify"])), _s(("appraise_dossier", _L["appraise_ok"])),
                 _s(("approve_registration", _L["reappraise"])), _s(("appraise_dossier", _L["appraise_ok"])),
                 _s(("approve_registration", _L["approve"])), *_LAND_TAX],
}

# Consultations with a no-reply deadline: SpiffWorkflow compares its timers with the real time, so
# a dossier whose consultation the demo plays must have sent it less than this many working days
# ago (the deadline: 12 days for a construction permit, 15 for an investment policy).
CONSULT_WINDOW = {"construction_permit": 9, "investment_policy": 12}
CONSULT_STEPS = {"construction_permit": {"fire_safety_opinion", "environment_opinion"},
                 "investment_policy": {"give_opinion"}}

# How many dossiers of each kind a procedure gets (besides one open dossier per stage and hold).
# Commune procedures are the high-volume ones.
VOLUME: dict[str, dict[str, int]] = {
    "certified_copy": {"early": 0, "on_time": 10, "late": 3, "refused": 2, "open_extra": 3},
    "birth_registration_combo": {"early": 6, "on_time": 5, "late": 2, "refused": 1, "open_extra": 3},
    "enterprise_registration": {"early": 8, "on_time": 5, "late": 2, "refused": 2, "open_extra": 4},
    "judicial_record": {"early": 5, "on_time": 4, "late": 2, "refused": 1, "open_extra": 2},
    "tourist_accommodation_rating": {"early": 3, "on_time": 2, "late": 1, "refused": 1, "open_extra": 1},
    "construction_permit": {"early": 2, "on_time": 2, "late": 1, "refused": 1, "open_extra": 1},
    "investment_policy": {"early": 3, "on_time": 0, "late": 0, "refused": 1, "open_extra": 1},
    "land_first_registration": {"early": 1, "on_time": 2, "late": 1, "refused": 1, "open_extra": 2},
}
DEFAULT_VOLUME = {"early": 2, "on_time": 2, "late": 1, "refused": 1, "open_extra": 1}
