"""The analysts' studio: draw, check, try and publish procedures.

Every function asks the engine's access policy (``engine.access``) and takes the session, the
clock and who is acting; commands do not commit (the caller owns the transaction). The web layers
(``api/studio.py`` for the REST API, ``admin/`` for the studio pages) call these, never each other.

Reading
    ``catalogue.studio_procedures(session, who, *, clock) -> list[StudioProcedure]``
        every procedure with its versions (state, who deployed / activated / retired each and
        when, dossiers running on each) and its draft (``procedure.version.read``).
    ``vocabulary.studio_vocabulary(session, who, *, clock, key=None) -> dict``
        the values the properties panel offers, from the validator's own declarations and the
        organisation; with ``key`` also that procedure's forms and lanes (``org.read``).
    ``drafts.read_draft(session, who, key, *, clock) -> DraftView``
        the draft's files and tag, or the latest version's files (tag None) when nobody saved one
        (``procedure.draft.read``).
    ``checking.check_draft(session, who, key, *, clock, library_path, files=None) -> DraftCheck``
        the server validator on the draft (or on unsaved ``files``): problems with element id, line,
        rule, severity, Vietnamese and English message (``procedure.draft.read``).

Commands
    ``drafts.save_draft(session, key, files, *, base_tag, actor, clock) -> DraftView``
        store the draft if ``base_tag`` is still current; else DraftConflictError carrying both
        versions, nothing written (``procedure.draft.edit``).
    ``publish.publish_draft(session, key, *, tag, actor, clock, library_path, activate_reason=None)
    -> Publication``
        deploy the draft (its tag must be current) as the next version through
        engine.deployment.deploy; with ``activate_reason`` also activate it through
        engine.deployment.lifecycle. An invalid draft raises DeploymentError with its problems and
        nothing is written (``procedure.draft.edit``, then ``procedure.deploy`` / ``procedure.activate``).
        Rolling back and retiring stay engine.deployment.lifecycle's commands.

Trying
    ``sandbox.run_sandbox(session, who, key, *, ctx, sandbox, version=None, center=None, choices=None)
    -> SandboxRun``
        a test dossier of the draft (or a version) in a throwaway in-memory database holding an
        organisation (``demo.sandbox.DEMO_SANDBOX`` holds the demo province's): each step's unit,
        role, policy, the officials it would reach, stage, allotted time and due time, and where
        each value of its decision leads (``procedure.draft.read``). Writes nothing real.

In and out
    ``exchange.import_diagram(session, key, content, *, filename, base_tag, actor, clock) -> DraftView``
        a .bpmn from another tool as the draft's diagram, kept as it is (declared non-UTF-8
        encodings re-encoded); unsafe or malformed XML raises DeploymentError at its line
        (``procedure.draft.edit``).
    ``exchange.version_files(session, who, key, version, *, clock) -> dict[str, str]``
        a version's folder (``version`` a number) or the draft's (``"draft"``): its BPMN XML,
        procedure.json and forms (``procedure.draft.read``); ``exchange.folder_zip(key, files)``
        zips it as the procedure's folder.
    ``exchange.compare(session, who, key, before, after, *, clock) -> list[FileChange]``
        file by file: added / removed / changed / same, with a unified diff of the JSON files
        (``procedure.draft.read``); diagrams are compared in the browser from both XML texts.
    ``templates.procedure_templates() -> list[Template]`` and
    ``templates.create_from_template(session, key, *, name, template="commune", name_en=None, actor,
    clock) -> DraftView``
        a new procedure's first draft from a template that validates and deploys as it is
        (``procedure.draft.edit``).
"""
