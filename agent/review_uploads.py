"""Files sent while a storyboard waits for review: what the message asks of them, and what the person is told.

The files are stored like any other upload (:mod:`tools.uploads`). When the message says which recurring subject
one picture shows ("use this photo for the baker"), that picture becomes the subject's reference: a look change,
a new storyboard version with its own approval. Otherwise the storyboard stays as it is and the reply says the
files are kept and how to use them. Which file is meant always comes from the uploads (data): a name typed in the
text only picks one of the thread's recorded pictures, never a path.
"""

from __future__ import annotations

from collections.abc import Sequence

from reelforge.agent.replies.look import picture_subject
from reelforge.agent.replies.reading import ReplyReading
from reelforge.agent.review import ReviewDecision, StoryboardReview
from reelforge.tools.uploads import Attachment, reference_picture


def picture_decision(text: str, files: Sequence[Attachment], review: StoryboardReview, *,
                     named: bool = False) -> ReviewDecision | None:
    """The look change giving the subject ``text`` names the one picture among ``files`` (sent with the message, or
    ``named`` in it); None when the text names no subject (or several) or there is more than one picture.
    :class:`tools.uploads.UploadError` when it names a subject but none of the files is a picture."""
    subject = picture_subject(text, review, names_picture=named) if files else None
    if subject is None:
        return None
    pictures = [f for f in files if f.kind == "picture"]
    if not pictures:
        reference_picture(files[0])  # raises: says which file is not a picture
    if len(pictures) != 1:
        return None
    return ReviewDecision(action="look", subject=subject, reference=pictures[0].name)


def named_pictures(text: str, uploads: Sequence[Attachment]) -> list[Attachment]:
    """The thread's recorded pictures whose stored names ``text`` mentions ("use photo.jpg for the baker")."""
    low = text.lower()
    return [u for u in uploads if u.kind == "picture" and u.name.lower() in low]


def scene_changes(reading: ReplyReading) -> list[ReviewDecision]:
    """The changes a message sent with files asks for that are about the storyboard, not the files: scene and look
    changes. An approval or a revision of the whole storyboard is not taken with files (they may be meant for it)."""
    if reading.intent != "decide" or any(d.action in ("approve", "reject") or (d.action == "regenerate"
                                                                               and d.scene is None)
                                         for d in reading.decisions):
        return []
    return list(reading.decisions)


def kept_reply(files: Sequence[Attachment], review: StoryboardReview, *, changing: bool = False) -> str:
    """What the person is told when their files are kept without being used (``changing``: the message's other
    changes make a new storyboard version; else the storyboard stays as it is)."""
    names = _names(files)
    lines = [f"I kept {names} with this conversation" + (", and made the other changes you asked for." if changing
                                                           else f". Storyboard v{review.version} is unchanged and "
                                                                "still waits for your review.")]
    pictures = [f for f in files if f.kind == "picture"]
    if pictures:
        subject = review.look.subjects[0].name if review.look and review.look.subjects else "the <who or what it shows>"
        lines.append(f"To draw a recurring person, product or place from a picture, say which, as the storyboard "
                     f"names it, for example \"use {pictures[0].name} for {subject}\": you'll get a new storyboard "
                     "version to approve.")
    lines.append("To use a file another way (the narration voice, the on-screen presenter, the script), reply "
                 f"\"reject\" with what it is for, for example \"reject: {_example(files[0])}\"; the reworked "
                 "storyboard is shown to you before anything is made.")
    if not changing:
        lines.append("Reply \"approve\" to produce the storyboard as it is, without the file.")
    return " ".join(lines)


def refused_reply(reason: str, review: StoryboardReview, *, kept: Sequence[Attachment] = ()) -> str:
    """A file that could not be taken (too big, unreadable), or not used as asked (the wrong kind): why, whether
    it was kept anyway, and that the storyboard is unchanged."""
    what = f" I kept {_names(kept)} with this conversation." if kept else " Nothing was kept."
    reason = "The" + reason[3:] if reason.startswith("the ") else reason  # a file name keeps its own case
    return (f"{reason}.{what} Storyboard v{review.version} is unchanged and still waits for "
            "your review.")


def _example(file: Attachment) -> str:
    """A rejection that says what ``file`` is for, by its kind."""
    if file.kind == "audio":
        return f"narrate it with the voice in {file.name}, it is my own voice"
    if file.kind == "document":
        return f"make the video from {file.name}"
    return f"show {file.name} as the on-screen presenter, I am the person shown"


def _names(files: Sequence[Attachment]) -> str:
    names = [f.name for f in files]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
