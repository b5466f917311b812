"""pipeline.launch tells of the process that failed first, not of those that followed it."""

import signal

from torch.distributed.elastic.multiprocessing.errors import ProcessFailure

from pipeline.launch import USER_ERROR, first_cause


def _failures(*exitcodes: int) -> dict[int, ProcessFailure]:
    # no error file: torchrun stamps each failure with the current second, as when it stops
    # the others right after the first death
    return {rank: ProcessFailure(rank, 1000 + rank, code, "/nonexistent")
            for rank, code in enumerate(exitcodes)}


def test_a_killed_rank_is_told_of_not_the_rank_torchrun_stopped_after_it():
    rank, failure = first_cause(_failures(-signal.SIGTERM, -signal.SIGKILL))
    assert (rank, failure.exitcode) == (1, -signal.SIGKILL)


def test_a_killed_rank_is_told_of_not_the_rank_that_lost_it():
    rank, failure = first_cause(_failures(USER_ERROR, -signal.SIGKILL))
    assert (rank, failure.exitcode) == (1, -signal.SIGKILL)


def test_ranks_stopped_by_sigterm_alone_are_told_of():
    rank, failure = first_cause(_failures(-signal.SIGTERM, -signal.SIGTERM))
    assert (rank, failure.exitcode) == (0, -signal.SIGTERM)


def test_nothing_is_added_when_every_rank_told_of_itself():
    assert first_cause(_failures(USER_ERROR, USER_ERROR)) is None
