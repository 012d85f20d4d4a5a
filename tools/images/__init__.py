"""Image models (registry kind ``image``): keyframes for the storyboard and first frames for video models.

Adapters speak the clip-provider protocol (submit → poll → download, typed errors), so the runner's cache,
journal, retries and concurrency limits apply to them as to video models. The request is a
:class:`~tools.clips.base.ClipRequest` with ``seconds = 0``; reference images (a look sheet's subjects)
travel as local paths in ``ClipRequest.references``.
"""
