"""Writing files safely and reproducibly: atomic writes and normalised zips; the signals that
interrupt a build (and the tests' hook that interrupts one at a named stage, ``checkpoint``)."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import tempfile
import zipfile
from pathlib import Path

#: Fixed timestamp for every zip entry (the earliest a zip can store).
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike):
    """Yield a temporary path beside ``path``; rename it over ``path`` on success.

    On any exception (including KeyboardInterrupt and SIGTERM, which is turned
    into KeyboardInterrupt by ``install_signal_handlers``) the temporary file is
    removed and an existing ``path`` is left untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = None
    try:
        # Signals are held back while the temporary file is created, renamed or
        # removed, so an interrupt can never strand it or leave a half-renamed
        # output; they are delivered (as KeyboardInterrupt) right afterwards.
        with signals_deferred():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
            os.close(fd)
        yield Path(tmp)
        with signals_deferred():
            os.chmod(tmp, 0o644)
            checkpoint("renaming")
            os.replace(tmp, path)
            tmp = None
            _renamed.append(path)
    except BaseException:
        with signals_deferred():
            if tmp is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
        raise


#: The outputs this process has put in place: a signal held back during the renames arrives
#: after them, and the CLI then says that the outputs were written (``outputs_written``).
_renamed: list[Path] = []


def outputs_written() -> list[Path]:
    """The outputs this process has renamed into place."""
    return list(_renamed)


_DEFERRED = {getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)}


@contextlib.contextmanager
def signals_deferred():
    """Block SIGINT, SIGTERM and SIGHUP for the duration (where the OS allows it)."""
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED)
    except (AttributeError, OSError, ValueError):  # pragma: no cover - not POSIX
        old = None
    try:
        yield
    finally:
        if old is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


def write_all_atomic(files: list[tuple[str | os.PathLike, bytes]]) -> None:
    """Write several files all or nothing: each to a temporary file beside it first (a full disk
    or an interrupt then leaves every old file as it was), then all renamed at once with signals
    held back, so no new file ever stands beside old ones from the same build."""
    tmps: list[tuple[Path, Path]] = []
    try:
        for path, data in files:
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            with signals_deferred():
                fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
                tmps.append((Path(tmp), path))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)
            checkpoint("part-written")
        with signals_deferred():
            for i, (tmp, path) in enumerate(tmps):
                os.replace(tmp, path)
                if i + 1 < len(tmps):
                    checkpoint("renaming")
            _renamed.extend(path for _tmp, path in tmps)
            tmps = []
    except BaseException:
        with signals_deferred():
            for tmp, _path in tmps:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
        raise


def write_atomic(path: str | os.PathLike, data: bytes) -> None:
    with atomic_output(path) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        checkpoint("part-written")


def install_signal_handlers() -> None:
    """Make SIGTERM and SIGHUP unwind like Ctrl-C, so temporary files are removed."""

    def handler(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    for sig in (signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(ValueError, OSError):
            signal.signal(sig, handler)


#: The tests' hook: ``PRESSROOM_TEST_SIGNAL=STAGE:SIGNAL``, see ``checkpoint``.
TEST_SIGNAL = "PRESSROOM_TEST_SIGNAL"
#: The named stages of a build, in their order (``checkpoint``).
STAGES = ("layout", "finishing", "built", "part-written", "renaming")
_checkpoint_fired = False


def checkpoint(stage: str) -> None:
    """A named stage of a build, where a test can interrupt it: with ``PRESSROOM_TEST_SIGNAL`` set
    to ``STAGE:SIGNAL`` (``part-written:SIGTERM``) the process sends itself SIGNAL the first time
    it reaches STAGE, so the signal arrives at a known point instead of after a delay. Unset (as
    it always is outside the tests) this does nothing. The stages:

    - ``layout``: the PDF writer starts to lay an edition out (each ``render`` of ``laid_out``);
    - ``finishing``: WeasyPrint has made the PDF and calls the writer's finisher (inside
      ``write_pdf``);
    - ``built``: every output's bytes are made, nothing is written yet (the CLI's ``_commit``);
    - ``part-written``: an output's temporary file is written in full, not yet renamed
      (``write_atomic``; ``write_all_atomic``: after each file, so between the files);
    - ``renaming``: signals are held back for the rename (``write_atomic``: before it;
      ``write_all_atomic``: between two renames), so the signal is delivered right after.
    """
    global _checkpoint_fired
    spec = os.environ.get(TEST_SIGNAL)
    if not spec or _checkpoint_fired:
        return
    want, _, name = spec.partition(":")
    if want != stage:
        return
    _checkpoint_fired = True
    os.kill(os.getpid(), signal.Signals[name or "SIGINT"])


def normalise_zip(data: bytes, first: tuple[str, ...] = (), stored: tuple[str, ...] = ()) -> bytes:
    """Rewrite a zip with fixed timestamps, fixed permissions and a stable order.

    Entries named in ``first`` come first, in that order; the rest keep their
    order. Entries named in ``stored`` are not compressed (EPUB ``mimetype``).
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    order = [n for n in first if n in names] + [n for n in names if n not in first]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            if name in stored:
                info.compress_type = zipfile.ZIP_STORED
                dst.writestr(info, src.read(name))
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                dst.writestr(info, src.read(name), compresslevel=9)
    return out.getvalue()
