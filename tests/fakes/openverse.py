"""A loopback fake of the Openverse API (``/v1/images/``), anonymous access."""

from __future__ import annotations

from fakes.server import FakeApp, Req
from fakes.stock_media import add_media_routes, rate_limited, search

ASPECTS = {"wide": "landscape", "tall": "portrait", "square": "square"}
LICENCE_TYPES = {"all", "all-cc", "commercial", "modification"}
COMMERCIAL_OK = {"by", "by-sa", "cc0", "pdm"}
MODIFICATION_OK = {"by", "by-nc", "by-nc-sa", "by-sa", "cc0", "pdm"}


def make_app() -> FakeApp:
    """Openverse: anonymous ``page_size`` <= 20; ``license_type`` filter; 429 with a throttle message."""
    app = FakeApp()
    add_media_routes(app)

    @app.route("GET", "/v1/images/")
    def images(req: Req) -> tuple:
        if (r := rate_limited(app)) is not None:
            return 429, {"detail": "Request was throttled. Expected available in 1 second."}, r[2]
        size = int(req.query.get("page_size", 20))
        if size > 20 and "authorization" not in req.headers:
            return 401, {"detail": "Authentication credentials were not provided. page_size > 20 needs a token."}
        types = set(filter(None, req.query.get("license_type", "").split(",")))
        if types - LICENCE_TYPES:
            return 400, {"detail": {"license_type": [f"Invalid licence type {sorted(types - LICENCE_TYPES)}"]}}
        aspect = req.query.get("aspect_ratio")
        if aspect and aspect not in ASPECTS:
            return 400, {"detail": {"aspect_ratio": ["Invalid aspect ratio"]}}
        hits = search(req.query.get("q", ""), "image", ASPECTS.get(aspect or ""))
        if "commercial" in types:
            hits = [i for i in hits if i.licence in COMMERCIAL_OK]
        if "modification" in types:
            hits = [i for i in hits if i.licence in MODIFICATION_OK]
        return 200, {"result_count": len(hits), "page_count": 1, "page_size": size, "page": 1, "results": [{
            "id": f"uuid-{i.id}", "title": i.title, "url": f"{app.base_url}/media/{i.id}.jpg",
            "thumbnail": f"{app.base_url}/v1/images/uuid-{i.id}/thumb/", "creator": i.author,
            "creator_url": "https://flickr.com/ada", "license": i.licence, "license_version": "4.0",
            "license_url": f"https://creativecommons.org/licenses/{i.licence}/4.0/", "provider": "flickr",
            "source": "flickr", "foreign_landing_url": f"https://flickr.com/photos/ada/{i.id}",
            "attribution": (f'"{i.title}" by {i.author} is licensed under CC {i.licence.upper()} 4.0. '
                            f"To view a copy of this license, visit https://creativecommons.org/licenses/{i.licence}/4.0/."),
            "width": i.width, "height": i.height, "filetype": "jpg",
            "tags": [{"name": t} for t in i.tags]} for i in hits][:size]}

    return app
