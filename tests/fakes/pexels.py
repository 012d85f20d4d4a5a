"""A loopback fake of the Pexels API (videos and photos search) following its documented contract."""

from __future__ import annotations

from fakes.server import FakeApp, Req
from fakes.stock_media import add_media_routes, rate_limited, search

ORIENTATIONS = {"landscape", "portrait", "square"}
SIZES = {"large", "medium", "small"}


def make_app(api_key: str = "pexels-test-key") -> FakeApp:
    """Pexels: ``Authorization: <key>``, ``query`` required, ``per_page`` <= 80, ``X-Ratelimit-*`` headers."""
    app = FakeApp()
    app.state.update(remaining=200)
    add_media_routes(app)

    def check(req: Req) -> tuple | None:
        if req.headers.get("authorization") != api_key:
            return 401, {"error": "Unauthorized"}
        limit = {"X-Ratelimit-Limit": "200", "X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": "1"}
        if (r := rate_limited(app, limit)) is not None:
            return r
        if not req.query.get("query"):
            return 400, {"error": "query is required"}
        if req.query.get("orientation") and req.query["orientation"] not in ORIENTATIONS:
            return 400, {"error": "orientation must be landscape, portrait or square"}
        if req.query.get("size") and req.query["size"] not in SIZES:
            return 400, {"error": "size must be large, medium or small"}
        if int(req.query.get("per_page", 15)) > 80:
            return 400, {"error": "per_page must be at most 80"}
        return None

    def headers() -> dict[str, str]:
        app.state["remaining"] -= 1
        return {"X-Ratelimit-Limit": "200", "X-Ratelimit-Remaining": str(app.state["remaining"]),
                "X-Ratelimit-Reset": "1999999999"}

    @app.route("GET", "/videos/search")
    def videos(req: Req) -> tuple:
        if (err := check(req)) is not None:
            return err
        hits = search(req.query["query"], "video", req.query.get("orientation"))
        slug = lambda i: i.title.replace(" ", "-")  # noqa: E731
        return 200, {"page": 1, "per_page": int(req.query.get("per_page", 15)), "total_results": len(hits),
                     "videos": [{
                         "id": i.id, "width": i.width, "height": i.height, "duration": i.duration,
                         "url": f"https://www.pexels.com/video/{slug(i)}-{i.id}/",
                         "image": f"{app.base_url}/media/{i.id}.jpg",
                         "user": {"id": 7, "name": i.author, "url": "https://www.pexels.com/@ada"},
                         "video_files": [
                             {"id": 1, "quality": "hls", "file_type": "video/mp4", "width": None, "height": None,
                              "link": f"{app.base_url}/media/{i.id}.m3u8"},
                             {"id": 2, "quality": "sd", "file_type": "video/mp4", "width": i.width // 3,
                              "height": i.height // 3, "fps": 25, "link": f"{app.base_url}/media/{i.id}-sd.mp4"},
                             {"id": 3, "quality": "hd", "file_type": "video/mp4", "width": i.width,
                              "height": i.height, "fps": 25, "link": f"{app.base_url}/media/{i.id}-hd.mp4"},
                         ],
                         "video_pictures": []} for i in hits]}, headers()

    @app.route("GET", "/v1/search")
    def photos(req: Req) -> tuple:
        if (err := check(req)) is not None:
            return err
        hits = search(req.query["query"], "image", req.query.get("orientation"))
        return 200, {"page": 1, "per_page": int(req.query.get("per_page", 15)), "total_results": len(hits),
                     "photos": [{
                         "id": i.id, "width": i.width, "height": i.height,
                         "url": f"https://www.pexels.com/photo/{i.title.replace(' ', '-')}-{i.id}/",
                         "photographer": i.author, "photographer_url": "https://www.pexels.com/@ada",
                         "alt": i.title, "avg_color": "#336699",
                         "src": {k: f"{app.base_url}/media/{i.id}-{k}.jpg"
                                 for k in ("original", "large2x", "large", "medium", "small", "tiny")}}
                                for i in hits]}, headers()

    return app
