"""The shared exercise machinery: unanswered, correct, incorrect, and never an exception."""

from nodewise.exercises import (
    CORRECT,
    INCORRECT,
    NOT_ATTEMPTED,
    all_close,
    call,
    close,
    correct,
    incorrect,
    is_unanswered,
    not_attempted,
)


def test_placeholders_count_as_unanswered():
    assert is_unanswered(...) and is_unanswered(None)
    assert not is_unanswered(0) and not is_unanswered([])


def test_feedback_statuses_and_text():
    assert not_attempted().status == NOT_ATTEMPTED and "Not attempted yet" in str(not_attempted())
    assert correct().correct and str(correct()).startswith("✔")
    wrong = incorrect("count the weights")
    assert wrong.status == INCORRECT and not wrong.correct and "Hint: count the weights" in repr(wrong)


def test_call_reports_instead_of_raising():
    def unfinished(x): ...

    def broken(x):
        return 1 / 0

    assert call(unfinished, 1)[1].status == NOT_ATTEMPTED
    assert call(..., 1)[1].status == NOT_ATTEMPTED
    result, feedback = call(broken, 1)
    assert result is None and feedback.status == INCORRECT and "ZeroDivisionError" in feedback.message
    assert call(lambda x: x + 1, 1) == (2, None)


def test_close_and_all_close():
    assert close(0.30000001, 0.3) and not close(0.31, 0.3) and not close("a", 0.3)
    assert all_close([1.0, 2.0], [1.0, 2.0000001]) and not all_close([1.0], [1.0, 2.0])
    assert not all_close(5, [5.0]) and CORRECT != INCORRECT
