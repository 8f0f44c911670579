"""The map's unit geometry at one cacheable, compressed URL per layer and scope.

``GET /_td/geometry/<layer>.json?v=<data stamp>[&county=FIPS,...]`` answers the layer's
quantised TopoJSON for the signed-in viewer's scope (``dashboard.views.map_geometry``):
a manager gets their region's units and territories, nothing of another region, whatever
the query names. The ``v`` of the URLs the pages write is the data stamp, so an answer to
the current stamp never changes: the browser keeps it a year (``immutable``, ``private``:
it is one viewer's scope) and asks again only after an import or an applied scenario, which
change the stamp and so the URL. Any answer carries an ETag (scope, stamp, layer, counties)
and a repeated request with it gets 304. flask-compress compresses it like every JSON answer.
"""

from __future__ import annotations

import hashlib

import dash
from dash import ClientsideFunction, Input, Output
from dash.exceptions import PreventUpdate
from flask import Response, abort, request

from callbacks import guard, outage
from dashboard.geo.territory_shapes import state_outlines
from dashboard.runtime.scoped import ScopedData
from dashboard.runtime.service import DataService
from dashboard.views import map_geometry

GEOMETRY_ROUTE = "/_td/geometry/<layer>.json"
#: a URL of the current data stamp names an answer that never changes
IMMUTABLE = "private, max-age=31536000, immutable"
#: any other (no stamp, an old one): kept, but checked with the ETag before each use
REVALIDATE = "private, no-cache"


def state_lines(data: ScopedData) -> dict:
    """The US state outlines a map draws over its units; none on a layer of one's own."""
    if data.geography().own:
        return {"type": "FeatureCollection", "features": []}
    return state_outlines()


def fits_units(data: ScopedData) -> bool:
    """True when a map should fit itself to its units once drawn (a layer of one's own:
    the maps open on the United States otherwise)."""
    return data.geography().own


def geometry_path(data: ScopedData, layer: str, counties=()) -> str:
    """The URL a page fetches a layer from: versioned by the data stamp."""
    path = dash.get_relative_path(GEOMETRY_ROUTE.replace("<layer>", layer))
    query = f"?v={data.data_stamp()}"
    geography = data.geography()
    if geography.own:  # its key names the layer's content: a layer added again is a new URL
        query += "&units=" + geography.map_layer.rsplit(":", 1)[-1]
    if counties:
        query += "&county=" + ",".join(counties)
    return path + query


def source(data: ScopedData, layer: str, key: str, counties=(),
           object_name: str = "units") -> dict:
    """A geometry source as a page's store holds it: what ``load`` (assets/topojson.js)
    fetches, which object it draws, and the property its ids go in."""
    return {"url": geometry_path(data, layer, counties), "object": object_name, "key": key}


def territories(data: ScopedData) -> dict:
    """Where a map page's territories come from: dissolved on the server, per scope and
    data version."""
    return source(data, map_geometry.TERRITORIES, "territory_id", object_name="territories")


def load_in_browser(app: dash.Dash, layer: Output, geometry: Input, level: str,
                    prevent_initial_call: bool = False) -> None:
    """Fill ``layer`` (a GeoJSON's ``data``) from the source in ``geometry`` (a store),
    in the browser: the shapes never travel in a callback answer."""
    in_browser(app, ClientsideFunction("territoryGeometry", "load"), layer, geometry, level,
               prevent_initial_call)


def in_browser(app: dash.Dash, function: ClientsideFunction, output: Output, trigger: Input,
               level: str, prevent_initial_call: bool = False) -> None:
    """A clientside callback: ``function`` (assets/*.js) runs in the browser when
    ``trigger`` changes. The callback map gets a server side that declares its access
    level (every callback declares one) and answers nothing."""
    app.clientside_callback(function, output, trigger, prevent_initial_call=prevent_initial_call)
    key = app._callback_list[-1]["output"]

    @guard.level(level)
    def browser_only(*_args, **_kwargs):
        """It runs in the browser; a request posted to it gets no answer."""
        raise PreventUpdate

    app.callback_map[key]["callback"] = browser_only


def topology_text(data: ScopedData, layer: str, counties: list[str]) -> str:
    """The layer's TopoJSON for the viewer's scope, memoized per scope, stamp, counties and
    the layer the data's units come from (the US counties or a layer of one's own)."""
    base = data.geography().map_layer
    return data.memo("map_topology", (layer, tuple(counties), base),
                     lambda frames: map_geometry.topology_text(frames, layer, counties, base))


def register(app: dash.Dash, service: DataService) -> None:
    """The geometry route (signed-in only: ``/_td/`` is refused to anyone else)."""

    def serve_geometry(layer: str):
        if layer not in map_geometry.LAYERS:
            abort(404)
        data = guard.data(service)
        counties = map_geometry.asked_counties(data.frames(), request.args.get("county"))
        base = data.geography().map_layer
        tag = hashlib.sha1(repr((data.scope.key, data.stamp, layer, counties, base))
                           .encode()).hexdigest()
        current = (request.args.get("v") == data.stamp
                   and base.endswith(request.args.get("units", "")))
        response = Response(mimetype="application/json")
        response.headers["Cache-Control"] = IMMUTABLE if current else REVALIDATE
        response.set_etag(tag)
        # flask-compress tags a compressed answer "<tag>:gzip" (or :zstd, :br)
        if any(seen.split(":")[0] == tag for seen in request.if_none_match):
            response.status_code = 304
            return response
        try:
            response.set_data(topology_text(data, layer, counties))
        except LookupError:  # ZIP areas asked of a layer of one's own
            abort(404)
        return response

    app.server.add_url_rule(GEOMETRY_ROUTE, "td_geometry", serve_geometry)

    @app.server.after_request
    def preload_territories(response):
        """The map page (``/``, where the sign-in lands) tells the browser to fetch its
        territories with the page (``Link: rel=preload``, matching the page's own fetch:
        same URL, credentials same-origin), not after the content's answer that names
        them: at size L that answer took 0.23-0.43 s before the fetch could start. Only
        for a viewer the map page is drawn for (a rep's opens elsewhere)."""
        if not (request.method == "GET" and request.path == dash.get_relative_path("/")
                and response.status_code == 200 and response.mimetype == "text/html"):
            return response  # looked at first: only the map page reads the viewer and data
        try:
            viewer = guard.viewer()
            if viewer is None or not viewer.may_call("manager"):
                return response
            url = territories(guard.data(service))["url"]
        except Exception as error:  # a database outage: the page goes without the hint
            if outage.is_database_outage(error):
                return response
            raise
        response.headers.add("Link",  # i18n: not shown
                             f"<{url}>; rel=preload; as=fetch; crossorigin=anonymous")
        return response

    del preload_territories
