"""Files sent while a storyboard waits for review: stored and recorded on the thread, and never silently dropped. A
picture the message gives to a subject makes a new version to approve; any other file is kept and the reply says how
to use it, with the storyboard unchanged; a refused file gets its own reason and changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fakes.agent_studio import FakeStudio

from reelforge.agent.brains.offline import OfflineDirector
from reelforge.agent.service import AgentService
from reelforge.tools.settings import get_settings
from reelforge.tools.uploads import Incoming, uploads_folder

REQUEST = "a 9 second teaser for the bakery where our baker bakes bread, vertical"


async def run(stream: Any) -> list[Any]:
    return [ev async for ev in stream]


def of(events: list[Any], kind: str) -> list[Any]:
    return [e for e in events if e.type == kind]


def a_file(tmp_path: Path, name: str, data: bytes = b"\xff\xd8 a small picture") -> Path:
    path = tmp_path / "incoming" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


async def test_a_file_sent_during_review_is_kept_and_said_and_the_review_waits(tmp_path: Path) -> None:
    studio = FakeStudio()
    async with AgentService.open(studio=studio, brain=OfflineDirector()) as svc:
        tid = await svc.new_thread(origin="test", user="u1")
        first = of(await run(svc.send(tid, REQUEST)), "storyboard")[0].review

        events = await run(svc.send(tid, "here is our logo", attachments=[Incoming(str(a_file(tmp_path, "logo.png")))]))
        assert of(events, "storyboard") == [] and of(events, "error") == [] and of(events, "video") == []
        reply = of(events, "message")[0].text
        assert "I kept logo.png" in reply and f"Storyboard v{first.version} is unchanged" in reply
        assert '"use logo.png for the <who or what it shows>"' in reply and '"approve"' in reply  # the ways to use it

        prod = await svc.production(tid)
        assert [u.name for u in prod.uploads] == ["logo.png"]
        assert Path(prod.uploads[0].path).parent == uploads_folder(studio.settings.home, tid)
        assert (await svc.pending(tid)).version == first.version and prod.approval is None
        said = (await svc.history(tid))[-2:]
        assert said[0] == {"role": "user", "text": "here is our logo"} and said[1]["text"] == reply
        assert not studio.renders  # nothing produced

        review = of(await run(svc.send(tid, "use logo.png for the baker")), "storyboard")[0].review
        assert review.version == first.version + 1  # the kept picture, named afterwards: a new version
        assert review.look.subjects[0].reference == prod.uploads[0].path
        assert of(await run(svc.send(tid, "approve")), "video")  # and the review goes on as before


async def test_a_picture_given_to_a_subject_during_review_is_a_new_version_to_approve(tmp_path: Path) -> None:
    studio = FakeStudio()
    async with AgentService.open(studio=studio, brain=OfflineDirector()) as svc:
        tid = await svc.new_thread(origin="test", user="u1")
        first = of(await run(svc.send(tid, REQUEST)), "storyboard")[0].review

        events = await run(svc.send(tid, "use this photo for the baker",
                                    attachments=[a_file(tmp_path, "baker.jpg")]))
        review = of(events, "storyboard")[0].review
        assert review.version == first.version + 1
        baker = review.look.subjects[0]
        prod = await svc.production(tid)
        assert baker.name == "the baker" and baker.reference == prod.uploads[0].path
        assert Path(baker.reference).parent == uploads_folder(studio.settings.home, tid)
        assert any("drawn from baker.jpg" in e.text for e in of(events, "message"))
        assert prod.refusal() is not None and not studio.renders  # its own approval before anything is made


async def test_a_refused_file_during_review_gets_its_reason_and_changes_nothing(tmp_path: Path) -> None:
    settings = get_settings()
    settings.max_upload_mb = 0.001  # about 1 kB
    studio = FakeStudio(settings)
    async with AgentService.open(studio=studio, brain=OfflineDirector()) as svc:
        tid = await svc.new_thread(origin="test", user="u1")
        first = of(await run(svc.send(tid, REQUEST)), "storyboard")[0].review
        before = await svc.history(tid)

        big = a_file(tmp_path, "huge.jpg", b"x" * 5000)
        events = await run(svc.send(tid, "use this photo for the baker", attachments=[big]))
        assert [e.type for e in events] == ["error"]
        assert "huge.jpg is 0.0 MB; uploads are limited to 0 MB" in events[0].message
        assert "Nothing was kept" in events[0].message and f"v{first.version} is unchanged" in events[0].message
        prod = await svc.production(tid)
        assert prod.uploads == [] and not any(uploads_folder(settings.home, tid).glob("huge*"))
        assert await svc.history(tid) == before and (await svc.pending(tid)).version == first.version

        sample = a_file(tmp_path, "voice.wav", b"RIFF")  # the wrong kind for what the message asks
        events = await run(svc.send(tid, "use this for the baker", attachments=[sample]))
        assert [e.type for e in events] == ["error"]
        assert "voice.wav is not a picture" in events[0].message and "I kept voice.wav" in events[0].message
        pending = await svc.pending(tid)
        assert pending.version == first.version and pending.look == first.look
        assert [u.name for u in (await svc.production(tid)).uploads] == ["voice.wav"]
        assert not studio.renders


async def test_the_way_the_reply_names_to_use_a_kept_photo_as_the_presenter_works(tmp_path: Path) -> None:
    from PIL import Image

    photo = tmp_path / "incoming" / "me.png"
    photo.parent.mkdir()
    Image.new("RGB", (200, 200), (10, 160, 90)).save(photo)
    studio = FakeStudio()
    async with AgentService.open(studio=studio, brain=OfflineDirector()) as svc:
        tid = await svc.new_thread(origin="test", user="u1")
        await run(svc.send(tid, REQUEST))
        reply = of(await run(svc.send(tid, "", attachments=[photo])), "message")[0].text
        way = "reject: show me.png as the on-screen presenter, I am the person shown"
        assert f'"{way}"' in reply

        events = await run(svc.send(tid, way))  # the offline director: the name picks the kept upload
        prod = await svc.production(tid)
        assert prod.brief.presenter_path == prod.uploads[0].path and prod.brief.presenter_consent is not None
        assert of(events, "storyboard") and await svc.pending(tid) is not None  # shown again before anything is made
        assert not studio.renders


async def test_what_a_message_with_files_asks_of_the_storyboard_is_still_done(tmp_path: Path) -> None:
    studio = FakeStudio()
    async with AgentService.open(studio=studio, brain=OfflineDirector()) as svc:
        tid = await svc.new_thread(origin="test", user="u1")
        first = of(await run(svc.send(tid, REQUEST)), "storyboard")[0].review
        logo = a_file(tmp_path, "logo.png")

        events = await run(svc.send(tid, "approve", attachments=[logo]))  # the file may be meant for it: no approval
        assert of(events, "storyboard") == [] and "still waits for your review" in of(events, "message")[0].text
        assert (await svc.pending(tid)).version == first.version and (await svc.production(tid)).approval is None

        events = await run(svc.send(tid, "how much will this cost?", attachments=[logo]))
        answer, kept = (e.text for e in of(events, "message"))
        assert "$" in answer and "I kept logo.png" in kept and of(events, "storyboard") == []

        events = await run(svc.send(tid, "make scene 2 brighter", attachments=[logo]))
        assert "made the other changes you asked for" in of(events, "message")[0].text
        review = of(events, "storyboard")[0].review
        assert review.version == first.version + 1 and "brighter" in review.scenes[1].visual_prompt
        assert not studio.renders
