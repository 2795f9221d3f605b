"""Each part-05 check accepts its reference solution and rejects typical wrong answers."""

from nodewise import metrics
from nodewise.exercises import CORRECT, INCORRECT, NOT_ATTEMPTED, part05


def flatten(matrix_rows):
    """The true and predicted labels behind a confusion matrix, to count with the library."""
    true, predicted = [], []
    for i, row in enumerate(matrix_rows):
        for j, count in enumerate(row):
            true += [i] * count
            predicted += [j] * count
    return true, predicted


def test_steps_per_epoch():
    assert part05.check_steps_per_epoch(...).status == NOT_ATTEMPTED
    assert part05.STEPS_PER_EPOCH_SOLUTION == 180 == len(range(0, 1438, 8))
    assert part05.check_steps_per_epoch(180).status == CORRECT
    for wrong in (179, 1438, 11504, 100, "many"):
        feedback = part05.check_steps_per_epoch(wrong)
        assert feedback.status == INCORRECT
    assert "left over" in part05.check_steps_per_epoch(179).message


def test_spam_precision_recall_matches_the_library():
    true, predicted = flatten(part05.SPAM_MATRIX)
    assert metrics.confusion_matrix(true, predicted) == part05.SPAM_MATRIX
    precision, recall, _ = metrics.precision_recall_f1(true, predicted)
    assert part05.precision_recall_solution(part05.SPAM_MATRIX, 1) == (precision[1], recall[1])
    assert part05.check_spam_precision_recall(...).status == NOT_ATTEMPTED
    assert part05.check_spam_precision_recall((45 / 55, 45 / 50)).status == CORRECT
    assert part05.check_spam_precision_recall([0.818, 0.9]).status == CORRECT
    assert "swapped" in part05.check_spam_precision_recall((0.9, 45 / 55)).message
    assert "class 0" in part05.check_spam_precision_recall((precision[0], recall[0])).message
    assert "one of the two" in part05.check_spam_precision_recall((45 / 50, 45 / 50)).message
    for wrong in (0.9, "x", (1, 2, 3), (0.5, 0.5)):
        assert part05.check_spam_precision_recall(wrong).status == INCORRECT


def test_best_epoch():
    assert part05.check_best_epoch(...).status == NOT_ATTEMPTED

    def unfinished(losses): ...

    assert part05.check_best_epoch(unfinished).status == NOT_ATTEMPTED
    assert part05.check_best_epoch(part05.best_epoch_solution).status == CORRECT
    assert part05.best_epoch_solution([0.9, 0.5, 0.4, 0.45]) == 3
    assert part05.best_epoch_solution([0.7, 0.2, 0.9, 0.2]) == 2

    def index(losses):
        return losses.index(min(losses))

    def highest(losses):
        return losses.index(max(losses)) + 1

    def lowest_value(losses):
        return min(losses)

    def last_of_ties(losses):
        return len(losses) - losses[::-1].index(min(losses))

    def crashes(losses):
        return losses[100]

    assert "counted from 1" in part05.check_best_epoch(index).message
    assert "highest" in part05.check_best_epoch(highest).message
    assert "lowest loss itself" in part05.check_best_epoch(lowest_value).message
    assert part05.check_best_epoch(last_of_ties).status == INCORRECT
    assert "IndexError" in part05.check_best_epoch(crashes).message
    assert part05.best_epoch_solution([0.5]) == 1
