"""Stand-in for the parts of FastAPI the extension uses: FastAPI.add_api_route and HTTPException. post() plays the
part of a test client: a JSON body goes to a `dict` parameter (as FastAPI binds it) and HTTPException becomes the
status code and {"detail": ...}."""
from __future__ import annotations

import inspect


class HTTPException(Exception):
    def __init__(self, status_code, detail=None, headers=None):
        super().__init__(detail)
        self.status_code, self.detail, self.headers = status_code, detail, headers


class FastAPI:
    def __init__(self):
        self.routes = {}

    def add_api_route(self, path, endpoint, *, methods=None, response_model=None, **kwargs):
        for method in methods or ["GET"]:
            self.routes[(method.upper(), path)] = endpoint

    def post(self, path, json):
        endpoint = self.routes.get(("POST", path))
        if endpoint is None:
            return 404, {"detail": "Not Found"}
        params = list(inspect.signature(endpoint).parameters.values())
        if len(params) != 1 or params[0].annotation not in (dict, "dict"):
            raise AssertionError("the stand-in binds one dict body parameter, as the extension declares")
        try:
            return 200, endpoint(json)
        except HTTPException as ex:
            return ex.status_code, {"detail": ex.detail}
