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
    # exact fractions, and decimals rounded to two places or more, are right
    for right in ((45 / 55, 45 / 50), [0.818, 0.9], (0.82, 0.9), (0.8182, 0.90), ("0.82", "0.9")):
        assert part05.check_spam_precision_recall(right).status == CORRECT, right


def test_spam_precision_recall_rejects_the_typical_mistakes_with_a_fitting_hint():
    check = part05.check_spam_precision_recall
    assert "swapped" in check((0.9, 45 / 55)).message
    assert "swapped" in check((0.9, 0.82)).message
    assert "class 0" in check((90 / 95, 90 / 100)).message
    assert "class 0" in check((0.95, 0.9)).message
    assert "percentages" in check((81.8, 90)).message
    for cut_short in ((0.8, 0.9), (0.81, 0.9)):  # rounded to one decimal, or cut off: not quite
        feedback = check(cut_short)
        assert feedback.status == INCORRECT and "nearly" in feedback.message, cut_short
    assert "one of the two is right: the recall" in check((45 / 50, 45 / 50)).message
    assert "one of the two is right: the recall" in check((0.86, 0.9)).message
    assert "one of the two is right: the precision" in check((0.818, 0.818)).message
    for wrong in (0.9, "x", (1, 2, 3), (0.5, 0.5), (0.83, 0.9), (0.82, 0.91), (50, 50), (0.1, 0.2)):
        feedback = check(wrong)
        assert feedback.status == INCORRECT, wrong
        assert "nearly" not in feedback.message and "percentages" not in feedback.message, wrong


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
