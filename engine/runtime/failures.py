"""Turn whatever went wrong while SpiffWorkflow ran diagram code into one located WorkflowFailedError.

SpiffWorkflow wraps most failures in its own exceptions, which carry the task, the expression or
the script line; some escape unwrapped (a multi-instance input that is not a collection raises a
plain ``TypeError``). Both end here, so no failure of a diagram reaches the caller as anything
but a step that failed, at a named element.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.task import Task as SpiffTask

from engine.errors import ScriptLimitError, StepLimitError, WorkflowFailedError
from engine.runtime.script_limits import limit_reached_in
from engine.runtime.transitions import TransitionLog


def diagram_failure(exc: BaseException, workflow: BpmnWorkflow, transitions: TransitionLog) -> WorkflowFailedError:
    """The located error for ``exc``, raised while the workflow ran (``transitions`` so far)."""
    task = getattr(exc, "task", None) if isinstance(exc, SpiffWorkflowException) else None
    if not isinstance(task, SpiffTask):
        task = _last_moved(workflow, transitions)
    element_id = task.task_spec.bpmn_id if task is not None else None
    if transitions.exceeded:
        return StepLimitError(element_id=element_id, limit=transitions.limit or 0)
    cause = limit_reached_in(exc)
    if cause is not None:
        return ScriptLimitError(element_id=element_id, kind=cause.kind, limit=cause.limit, line=cause.line)
    detail, expression, line = _describe(exc)
    name = task.task_spec.bpmn_name if task is not None else None
    step = f"“{name}” ({element_id})" if name else str(element_id)
    where_vi = f" khi tính biểu thức “{expression}”" if expression else f" ở dòng {line}" if line else ""
    where_en = f" evaluating “{expression}”" if expression else f" at line {line}" if line else ""
    return WorkflowFailedError(
        f"Bước {step} gặp lỗi{where_vi}: {detail}",
        message_en=f"Step {step} failed{where_en}: {detail}",
        element_id=element_id, detail=detail, expression=expression,
    )


_EXPRESSION_FAILED = "Error evaluating expression "


def _describe(exc: BaseException) -> tuple[str, str | None, int | None]:
    """The error in one line, the expression that failed (if one did) and the script line.

    ``str()`` of SpiffWorkflow's exceptions joins its notes, which may hold None (a TypeError in
    3.2.0), so the message is put together here from its parts.
    """
    root: BaseException = exc
    while isinstance(root, SpiffWorkflowException):
        # The library raises its exception while handling the original one, without "from".
        inner = root.__cause__ or root.__context__
        if not isinstance(inner, Exception):
            break
        root = inner
    detail = f"{type(root).__name__}: {root}" if root is not exc else _first_arg(exc)
    expression = None
    if isinstance(exc, SpiffWorkflowException):
        for message in (_first_arg(exc), *exc.notes):
            if isinstance(message, str) and message.startswith(_EXPRESSION_FAILED):
                expression = message[len(_EXPRESSION_FAILED):].removeprefix("'").removesuffix("'")
    line = getattr(exc, "line_number", None)
    return detail.split("\n")[0], expression, line if isinstance(line, int) and line > 0 else None


def _first_arg(exc: BaseException) -> str:
    return str(exc.args[0]) if exc.args else type(exc).__name__


def _last_moved(workflow: BpmnWorkflow, transitions: TransitionLog) -> SpiffTask | None:
    """The task that changed state last: the one running when an unwrapped exception escaped."""
    for transition in reversed(transitions):
        try:
            task = workflow.get_task_from_id(transition.task_id)
        except (WorkflowException, KeyError):
            continue
        if task.task_spec.bpmn_id is not None:
            return task
    return None
