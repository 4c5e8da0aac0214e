"""A draft's files: names as in the procedure folder, rebuilt from a version, read as a package."""

from __future__ import annotations

import json

import pytest

from engine.deployment.package import load_package
from engine.errors import FormInvalidError
from engine.persistence.models import ProcedureVersion
from engine.studio.files import checked_files, checked_key, files_of_version, form_names, package_of
from tests.conftest import LIBRARY


def test_only_the_files_of_a_procedure_folder_are_accepted_each_refusal_naming_the_file():
    with pytest.raises(FormInvalidError) as refused:
        checked_files({"procedure.json": "{}", "forms/a.txt": "", "x.bpmn": 3, "../y.bpmn": ""})
    assert sorted(p.field for p in refused.value.problems) == ["files/../y.bpmn", "files/forms/a.txt", "files/x.bpmn"]
    assert list(checked_files({"procedure.json": "{}", "a.bpmn": "", "forms/b.uischema.json": ""})) == \
        ["a.bpmn", "forms/b.uischema.json", "procedure.json"]


def test_a_key_must_be_a_folder_name_the_library_accepts():
    assert checked_key("new_procedure") == "new_procedure"
    with pytest.raises(FormInvalidError) as refused:
        checked_key("Thủ tục")
    assert refused.value.problems[0].field == "key"


def test_a_versions_folder_is_rebuilt_from_what_it_stores():
    library = load_package(LIBRARY / "certified_copy")
    version = ProcedureVersion(bpmn_xml=library.files["certified_copy.bpmn"].decode(),
                               metadata_=json.loads(library.files["procedure.json"]),
                               forms={name: json.loads(data) for name, data in library.form_files.items()})
    files = files_of_version("certified_copy", version)
    assert set(files) == set(library.files)
    assert json.loads(files["procedure.json"]) == json.loads(library.files["procedure.json"])
    assert form_names(files) == sorted(n for n in library.form_files if not n.endswith(".uischema.json"))
    assert package_of("certified_copy", files).files["certified_copy.bpmn"] == library.files["certified_copy.bpmn"]
