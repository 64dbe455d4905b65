"""app/llm/queue.py: first come, first served turns, places in line, and leaving the line."""

from __future__ import annotations

import threading
import time

import pytest

from app.llm.queue import ModelQueue, ahead_in, waiting_metadata


def test_the_first_in_line_goes_at_once_and_the_others_count_who_is_ahead() -> None:
    queue = ModelQueue()
    with queue.turn() as first, queue.turn() as second, queue.turn() as third:
        assert first.wait(0) is True
        assert (first.ahead, second.ahead, third.ahead) == (0, 1, 2)
        assert second.wait(0.05) is False
        assert len(queue) == 3
    assert len(queue) == 0


def test_turns_are_served_in_arrival_order_across_threads() -> None:
    queue = ModelQueue()
    served: list[int] = []
    holder = queue.turn()
    holder.__enter__()  # the model is busy until the waiters are all in line

    def request(n: int) -> None:
        with queue.turn() as turn:
            turn.wait()
            served.append(n)

    threads = []
    for n in range(5):
        threads.append(threading.Thread(target=request, args=(n,)))
        threads[-1].start()
        while len(queue) < n + 2:  # n waiters plus the holder: arrival order is fixed
            time.sleep(0.001)
    holder.__exit__(None, None, None)
    for thread in threads:
        thread.join(timeout=10)
    assert served == [0, 1, 2, 3, 4]


def test_a_waiter_that_leaves_gives_up_its_place() -> None:
    queue = ModelQueue()
    with queue.turn() as first:
        with pytest.raises(KeyError), queue.turn():
            raise KeyError("the learner closed the page")
        with queue.turn() as next_one:
            assert next_one.ahead == 1 and first.ahead == 0


def test_a_turn_may_end_on_another_thread() -> None:
    # Gradio resumes a streaming answer on whichever worker thread is free.
    queue = ModelQueue()
    turn = queue.turn()
    turn.__enter__()
    ended = threading.Thread(target=turn.__exit__, args=(None, None, None))
    ended.start()
    ended.join(timeout=10)
    with queue.turn() as after:
        assert after.wait(1) is True


def test_waiting_metadata_round_trips_and_ordinary_chunks_report_nothing() -> None:
    assert ahead_in(waiting_metadata(3)) == 3
    assert ahead_in(waiting_metadata(0)) == 0
    assert ahead_in({}) is None
    assert ahead_in({"finish_reason": "stop"}) is None
    # LangChain concatenates metadata lists when it merges chunks: the latest count wins.
    assert ahead_in({"model_queue_ahead": [3, 2, 1]}) == 1
