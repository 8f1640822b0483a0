"""Long runs from a notebook: Ctrl-C and stop events at a chunk boundary, resume to the same
bytes, the GIL released while simulating, forked children."""

import _thread
import multiprocessing
import signal
import threading
import time

import pytest

import srlif

# Several seconds on two cores, in batches of one point: a stop finds finished points and a
# point in flight.
LONG = dict(sigma="0:60:8", neurons=3000, duration=20000, batch_points=1, checkpoint_seconds=0, progress=False)
FILES = ("points.csv", "optimum.csv", "tallies.csv")


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reference")
    srlif.sweep(out=folder, **LONG)
    return folder


def assert_same_files(left, right):
    for name in FILES:
        assert (left / name).read_bytes() == (right / name).read_bytes(), name


@pytest.fixture
def sigint_raises():
    """Ctrl-C as in a notebook or terminal, even where the test runner was started with SIGINT
    ignored (a background job of a shell without job control: Python then leaves it ignored, and
    interrupt_main does nothing)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_keyboard_interrupt_saves_the_checkpoint_and_resume_gives_the_same_bytes(tmp_path, reference, sigint_raises):
    timer = threading.Timer(1.0, _thread.interrupt_main)
    timer.start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        srlif.sweep(out=tmp_path, **LONG)
    print(f"KeyboardInterrupt {time.monotonic() - started - 1.0:.2f} s after the interrupt")
    timer.join()
    # The run has stopped when the call returns: the state of the point in flight is saved
    # already, and nothing in the folder changes afterwards.
    def files():
        return {path.name: path.stat().st_mtime_ns for path in (tmp_path / "checkpoint").iterdir()}

    saved = files()
    assert any(name.startswith("state-") for name in saved), saved
    assert not (tmp_path / "points.csv").exists()
    time.sleep(1.0)
    assert files() == saved
    srlif.sweep(out=tmp_path, resume=True, **LONG)
    assert_same_files(tmp_path, reference)
    assert not (tmp_path / "checkpoint").exists()


def test_a_stop_event_stops_the_run_and_resume_continues_it(tmp_path, reference):
    stop = threading.Event()
    threading.Timer(1.0, stop.set).start()
    with pytest.raises(srlif.Interrupted) as raised:
        srlif.sweep(out=tmp_path, stop=stop, **LONG)
    assert "resume=True" in str(raised.value) and "--" not in str(raised.value)
    assert isinstance(raised.value, KeyboardInterrupt)
    srlif.sweep(out=tmp_path, resume=True, **LONG)
    assert_same_files(tmp_path, reference)


def test_the_gil_is_released_while_simulating():
    ticks = []
    running = threading.Event()
    running.set()

    def tick():
        while running.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.005)

    ticker = threading.Thread(target=tick)
    ticker.start()
    started = time.monotonic()
    srlif.sweep(**dict(LONG, sigma="0:60:3"))
    finished = time.monotonic()
    running.clear()
    ticker.join()
    during = [t for t in ticks if started + 0.2 < t < finished - 0.2]
    # A thread held off by the GIL would not tick at all while the simulation runs.
    assert finished - started > 1.0
    assert len(during) >= 20, (len(during), finished - started)


def _child_sweep(queue):
    ds = srlif.sweep(sigma="0:60:3", neurons=50, duration=1000, progress=False)
    queue.put(int(ds.total_spikes.sum()))


def test_a_forked_child_runs_without_hanging():
    parent = srlif.sweep(sigma="0:60:3", neurons=50, duration=1000, progress=False)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child_sweep, args=(queue,))
    child.start()
    child.join(120)
    if child.is_alive():
        child.kill()
        pytest.fail("the forked child hung")
    assert child.exitcode == 0
    assert queue.get(timeout=5) == int(parent.total_spikes.sum())
