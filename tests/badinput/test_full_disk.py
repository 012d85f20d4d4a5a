"""Bad input corpus — a full disk at each stage: a clear message naming the folder and the room needed, the
partly written files removed, and nothing started that cannot fit."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reelforge.tools import diskspace
from reelforge.tools.diskspace import MB, DiskFullError, disk_guard, new_files_remover
from reelforge.tools.uploads import UploadError, store_upload, uploads_folder


def _full(exc_text: str = "") -> OSError:
    return OSError(errno.ENOSPC, exc_text or "No space left on device")


def test_a_stage_that_cannot_fit_is_refused_before_it_starts(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(diskspace, "free_bytes", lambda folder: 12 * MB)
    home = tmp_path / "home"
    with pytest.raises(DiskFullError) as err, disk_guard(home, "producing the clips, narration and music", 200 * MB):
        pytest.fail("the stage must not start")
    text = str(err.value)
    assert str(tmp_path / "home") in text and "needs about 200 MB" in text and "12 MB is left" in text


@pytest.mark.parametrize("failure", [_full(), RuntimeError("ffmpeg failed: av_interleaved_write_frame(): "
                                                           "No space left on device"),
                                     OSError(errno.EDQUOT, "Disk quota exceeded")])
def test_a_disk_filling_up_mid_stage_names_the_folder_and_removes_partial_files(tmp_path: Path,
                                                                                 failure: Exception) -> None:
    out = tmp_path / "out"
    out.mkdir()
    kept = out / "earlier-video.mp4"
    kept.write_bytes(b"an earlier delivery")
    expected = rf"The disk holding {out} is full: assembling the video needs about "
    with pytest.raises(DiskFullError, match=expected), \
            disk_guard(out, "assembling the video", 1, cleanup=new_files_remover(out)):
        (out / "teaser-1080x1920.mp4").write_bytes(b"half a video")
        raise failure
    assert [p.name for p in out.iterdir()] == ["earlier-video.mp4"]  # the partial file is gone, nothing else


def test_other_errors_pass_through_unchanged(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not about disks"), disk_guard(tmp_path, "assembling the video", 1):
        raise ValueError("not about disks")


def test_an_upload_on_a_full_disk_is_refused_clearly_and_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    src = tmp_path / "script.md"
    src.write_text("# A script\n" * 100)
    real_open = open

    def failing_open(path, mode="r", *a, **kw):
        handle = real_open(path, mode, *a, **kw)
        if "x" in mode:
            def write(_data: bytes) -> int:
                raise _full()
            handle.write = write  # type: ignore[method-assign]
        return handle

    monkeypatch.setattr("builtins.open", failing_open)
    with pytest.raises(UploadError, match="The disk holding .*uploads is full: storing the upload script.md"):
        store_upload(tmp_path / "home", "web:t1", src, owner=None, max_bytes=10**6)
    monkeypatch.undo()
    assert not any(uploads_folder(tmp_path / "home", "web:t1").iterdir())


def test_make_on_a_nearly_full_disk_says_where_and_how_much(tmp_path: Path, monkeypatch) -> None:
    from reelforge.ui.cli import app

    monkeypatch.setattr(diskspace, "free_bytes", lambda folder: 10 * MB)
    result = CliRunner().invoke(app, ["make", "a 5 second teaser for a bakery", "--duration", "5",
                                      "-o", str(tmp_path / "out")])
    assert result.exit_code != 0
    text = " ".join(result.output.split())
    assert "is full: producing the clips, narration and music needs about" in text and "10 MB is left" in text
    assert "Errno" not in text and "Traceback" not in text
