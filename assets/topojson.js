/* Unit geometry for the maps: TopoJSON fetched once from /_td/geometry/ (a URL
   versioned by the data stamp, kept by the browser's cache) and decoded here
   into the GeoJSON dash-leaflet draws. No library, no CDN: the decoder is the
   format's few rules (quantised, delta-encoded arcs; ~i is arc i reversed).

   window.tdTopo.decode(topology, objectName, idKey) -> FeatureCollection
   dash_clientside.territoryGeometry.load(source) -> the same, from
   source = {url, object, key}: the clientside callback that fills a GeoJSON
   layer's `data` (no geometry ever travels in a callback answer). */
window.tdTopo = (function () {
    function arcsOf(topology) {
        const t = topology.transform;
        const sx = t ? t.scale[0] : 1, sy = t ? t.scale[1] : 1;
        const tx = t ? t.translate[0] : 0, ty = t ? t.translate[1] : 0;
        return topology.arcs.map(function (arc) {
            let x = 0, y = 0;
            return arc.map(function (p) {
                if (t) { x += p[0]; y += p[1]; } else { x = p[0]; y = p[1]; }
                return [x * sx + tx, y * sy + ty];
            });
        });
    }

    function ring(refs, arcs) {
        const points = [];
        refs.forEach(function (ref, k) {
            const arc = ref >= 0 ? arcs[ref] : arcs[~ref].slice().reverse();
            for (let i = k === 0 ? 0 : 1; i < arc.length; i++) { points.push(arc[i]); }
        });
        return points;
    }

    function polygon(rings, arcs) {
        return rings.map(function (r) { return ring(r, arcs); })
            .filter(function (r) { return r.length >= 4; });
    }

    function geometry(obj, arcs) {
        if (obj.type === "Polygon") {
            return {type: "Polygon", coordinates: polygon(obj.arcs, arcs)};
        }
        if (obj.type === "MultiPolygon") {
            return {type: "MultiPolygon", coordinates: obj.arcs.map(function (p) {
                return polygon(p, arcs);
            }).filter(function (p) { return p.length > 0; })};
        }
        return null;
    }

    function decode(topology, objectName, idKey) {
        const arcs = arcsOf(topology);
        const members = ((topology.objects || {})[objectName] || {}).geometries || [];
        return {type: "FeatureCollection", features: members.map(function (obj) {
            const properties = Object.assign({}, obj.properties || {});
            if (idKey) { properties[idKey] = obj.id; }
            return {type: "Feature", id: obj.id, properties: properties,
                    geometry: geometry(obj, arcs)};
        })};
    }

    return {decode: decode};
})();

window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.territoryGeometry = {
    /* Fires when a layer's geometry source (a dcc.Store) is set; resolves
       with the decoded features. The fetch is a plain GET the browser answers
       from its cache while the data stamp in the URL is unchanged. */
    load: function (source) {
        const empty = {type: "FeatureCollection", features: []};
        if (!source || !source.url) { return Promise.resolve(empty); }
        const started = performance.now();
        return fetch(source.url, {credentials: "same-origin"})
            .then(function (response) {
                if (!response.ok) { throw new Error("geometry " + response.status); }
                return response.json();
            })
            .then(function (topology) {
                const features = window.tdTopo.decode(topology, source.object, source.key);
                window.tdGeometryTimes = window.tdGeometryTimes || [];
                window.tdGeometryTimes.push({url: source.url, object: source.object,
                    ms: performance.now() - started, features: features.features.length});
                return features;
            });
    },
};
