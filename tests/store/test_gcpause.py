"""gcpause.paused(): the cycle collector is off inside, restored after, and cycles built
inside are still collected later."""

from __future__ import annotations

import gc
import weakref

import pytest

from evidencebib import gcpause


def test_the_collector_is_off_inside_and_on_after():
    assert gc.isenabled()
    with gcpause.paused():
        assert not gc.isenabled()
        with gcpause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block does not switch it back on early
    assert gc.isenabled()


def test_a_collector_the_caller_disabled_stays_disabled():
    gc.disable()
    try:
        with gcpause.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_comes_back_after_an_error():
    try:
        with gcpause.paused():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()


@pytest.mark.parametrize("promote", [False, True])
def test_cycles_made_inside_are_collected_afterwards(promote):
    class Node:
        pass

    with gcpause.paused(promote=promote):
        node = Node()
        node.self = node
        probe = weakref.ref(node)
        del node
    assert probe() is not None  # a cycle: reference counting alone cannot free it
    gc.collect()
    assert probe() is None
    assert gc.get_freeze_count() == 0  # nothing left in the permanent generation
