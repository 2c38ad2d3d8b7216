"""Reading a large JSON Lines file on two cores: the second half in a forked process.

Reading and checking a million lines is about a third of a large import, and it is
plain Python on one core while the machine's other cores wait. A file of at least
:data:`SPLIT_BYTES` is cut at the line that starts nearest its middle: the process
forks, the child reads and checks the second half with its own copy of the line
parser and sends back its lines (by ``marshal``: they are tuples of text, numbers and
None) and what its parser learned (members, types, moments as written, and the first
line naming each member and organisation; pickled) through a pipe, while the parent
reads the first half. The data never leaves this program: the child is its fork.
Nothing about the result changes:

- the lines come back in file order, numbered as in the file;
- the first bad line of the file is the one named (a bad line in the first half wins
  over one in the second, and the child is stopped);
- the parser's first-line records keep the earliest line (the parent's, then the
  child's), so a later error still names the first line that wrote a member.

The child never touches the database (the parser is pure) and leaves with
``os._exit``, so it flushes no buffer and closes nothing of the parent's. It is only
used on SQLite (a moment travels as its stored text), where ``fork`` is the
platform's way (Linux) and at least two cores are ours;
if the child fails in a way that is not a bad line, the parent reads the second half
itself.
"""

from __future__ import annotations

import marshal
import os
import pickle
import sys
from contextlib import suppress
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from bot.errors import InvalidInput
from bot.services.ledger.import_loops import Line, LineChecks, json_lines

#: Files smaller than this are read in one process (forking costs more than it saves).
SPLIT_BYTES = 32 * 1024 * 1024
_READ = 1 << 20


class LearningChecks(LineChecks, Protocol):
    """A line parser whose cached knowledge can be handed from one process to another."""

    def learned(self) -> Any: ...

    def learn(self, knowledge: Any) -> None: ...


def read_json_lines(path: Path, handle: BinaryIO, parser: LearningChecks) -> list[Line]:
    """Every line of the file open in ``handle`` (binary, at its start), validated, as
    :func:`json_lines` gives them."""
    size = os.fstat(handle.fileno()).st_size
    if size < SPLIT_BYTES or not parser.stored_text or not _two_cores():
        return json_lines(path, handle, parser)
    middle, head = _cut(handle, size)
    handle.seek(0)
    if head == 0 or middle >= size:
        return json_lines(path, handle, parser)
    return _two_halves(path, handle, parser, middle, head)


def _two_cores() -> bool:
    if sys.platform != "linux":
        return False
    return len(os.sched_getaffinity(0)) >= 2


def _cut(handle: BinaryIO, size: int) -> tuple[int, int]:
    """The offset of the first line starting at or after the middle, and how many lines
    come before it."""
    handle.seek(size // 2)
    handle.readline()  # the rest of the line the middle falls in
    middle = handle.tell()
    handle.seek(0)
    lines, left = 0, middle
    while left > 0:
        block = handle.read(min(_READ, left))
        if not block:
            break
        lines += block.count(b"\n")
        left -= len(block)
    return middle, lines


def _two_halves(
    path: Path, handle: BinaryIO, parser: LearningChecks, middle: int, head: int
) -> list[Line]:
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's coverage is not collected
        os.close(read_end)
        _child(path, parser, middle, head, write_end)
    os.close(write_end)
    try:
        lines = json_lines(path, islice(handle, head), parser)
        outcome, payload = _receive(read_end)
    except BaseException:
        with suppress(ProcessLookupError):
            os.kill(child, 9)
        raise
    finally:
        os.close(read_end)
        os.waitpid(child, 0)
    if outcome == "lines":
        packed, knowledge = payload
        second = _unpacked(packed)
        parser.learn(knowledge)
    elif outcome == "bad line":
        raise InvalidInput(payload)
    elif outcome == "not utf-8":
        raise UnicodeDecodeError("utf-8", b"", 0, 1, payload)
    else:  # the child failed otherwise: read the second half here
        handle.seek(middle)
        second = json_lines(path, handle, parser, before=head)
    lines.extend(second)
    return lines


def _child(path: Path, parser: LearningChecks, middle: int, head: int, out: int) -> None:
    """The second half, read in the forked child (from a file description of its own:
    the parent's shares its offset); never returns."""
    status = 0
    try:
        try:
            with path.open("rb") as own:
                own.seek(middle)
                lines = json_lines(path, own, parser, before=head)
            message: tuple[str, Any] = ("lines", (_packed(lines), parser.learned()))
        except InvalidInput as error:
            message = ("bad line", str(error))
        except UnicodeDecodeError as error:
            message = ("not utf-8", error.reason)
        except BaseException as error:  # any other failure: the parent reads it again
            message = ("failed", type(error).__name__)
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(out, view) :]
    except BaseException:  # the parent sees a short message and reads the half itself
        status = 1
    finally:
        os._exit(status)


def _packed(lines: list[Line]) -> tuple[str, bytes]:
    """The lines as bytes: by ``marshal`` (tuples of text, numbers and None: a tenth of
    pickle's time for half a million lines), else by pickle. A moment the driver value
    holds as SQLite's text is left out (``import_loops.moment_of`` makes it again)."""
    lines = [line if line[2] is None else (*line[:2], None, *line[3:]) for line in lines]
    try:
        return ("marshal", marshal.dumps(lines))
    except ValueError:
        return ("pickle", pickle.dumps(lines, protocol=pickle.HIGHEST_PROTOCOL))


def _unpacked(packed: tuple[str, bytes]) -> list[Line]:
    how, data = packed
    lines: list[Line] = marshal.loads(data) if how == "marshal" else pickle.loads(data)
    return lines


def _receive(read_end: int) -> tuple[str, Any]:
    chunks = []
    while chunk := os.read(read_end, _READ):
        chunks.append(chunk)
    if not chunks:
        return ("failed", "nothing")
    try:
        outcome, payload = pickle.loads(b"".join(chunks))
    except (pickle.UnpicklingError, EOFError, ValueError):
        return ("failed", "unreadable")
    return str(outcome), payload
