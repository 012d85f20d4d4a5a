"""A loopback fake of the Pixabay API (images ``/api/`` and videos ``/api/videos/``)."""

from __future__ import annotations

from fakes.server import FakeApp, Req
from fakes.stock_media import add_media_routes, rate_limited, search

ORIENTATIONS = {"all": None, "horizontal": "landscape", "vertical": "portrait"}


def make_app(api_key: str = "pixabay-test-key") -> FakeApp:
    """Pixabay: ``key`` parameter, ``q`` <= 100 chars, ``per_page`` 3..200, 100 requests / 60 s."""
    app = FakeApp()
    add_media_routes(app)

    def check(req: Req) -> tuple | None:
        if req.query.get("key") != api_key:
            return 400, "[ERROR 400] Invalid or missing API key."
        if (r := rate_limited(app, {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0"})) is not None:
            return r
        if len(req.query.get("q", "")) > 100:
            return 400, "[ERROR 400] \"q\" exceeds the maximum length of 100 characters."
        if not 3 <= int(req.query.get("per_page", 20)) <= 200:
            return 400, "[ERROR 400] \"per_page\" is out of valid range."
        if req.query.get("orientation", "all") not in ORIENTATIONS:
            return 400, "[ERROR 400] \"orientation\" is invalid."
        return None

    def user(i) -> dict:
        return {"user": i.author.replace(" ", ""), "user_id": 42, "userImageURL": ""}

    ok_headers = {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "99", "X-RateLimit-Reset": "60"}

    @app.route("GET", "/api/")
    def images(req: Req) -> tuple:
        if (err := check(req)) is not None:
            return err
        hits = [i for i in search(req.query.get("q", ""), "image", ORIENTATIONS[req.query.get("orientation", "all")])
                if i.width >= int(req.query.get("min_width", 0))]
        return 200, {"total": len(hits), "totalHits": len(hits), "hits": [{
            "id": i.id, "pageURL": f"https://pixabay.com/photos/{i.title.replace(' ', '-')}-{i.id}/",
            "type": "photo", "tags": ", ".join(i.tags), "previewURL": f"{app.base_url}/media/{i.id}-p.jpg",
            "webformatURL": f"{app.base_url}/media/{i.id}-w.jpg", "largeImageURL": f"{app.base_url}/media/{i.id}-l.jpg",
            "imageWidth": i.width, "imageHeight": i.height, **user(i)} for i in hits]}, ok_headers

    @app.route("GET", "/api/videos/")
    def videos(req: Req) -> tuple:
        if (err := check(req)) is not None:
            return err
        if req.query.get("video_type", "all") not in ("all", "film", "animation"):
            return 400, "[ERROR 400] \"video_type\" is invalid."
        hits = search(req.query.get("q", ""), "video")
        return 200, {"total": len(hits), "totalHits": len(hits), "hits": [{
            "id": i.id, "pageURL": f"https://pixabay.com/videos/{i.title.replace(' ', '-')}-{i.id}/",
            "type": "film", "tags": ", ".join(i.tags), "duration": i.duration,
            "videos": {name: {"url": f"{app.base_url}/media/{i.id}-{name}.mp4", "width": i.width // d,
                              "height": i.height // d, "size": 1000, "thumbnail": ""}
                       for name, d in (("large", 1), ("medium", 2), ("small", 3), ("tiny", 6))},
            **user(i)} for i in hits]}, ok_headers

    return app
