/* A polygon layer recoloured in place (issue 19 item 6, the map at scale).
   dash-leaflet answers a changed `hideout` with clearLayers() then addData()
   of the very same data: every feature's path, projection and tooltip made
   anew (500 territories: 0.1-0.2 s of the page's thread per recolour at size
   L; 3,142 counties on the what-if map after a move). Here clearLayers() only
   marks the layer; the addData() of the same data that follows restyles each
   feature with the layer's current style function (which reads the new
   hideout) and keeps everything else. Anything else after the mark (other
   data, a single layer added, or nothing by the next microtask) clears for
   real first, so a layer whose data changes, or a point layer, is drawn as
   before. Only layers of Polygon/MultiPolygon features take this path. */
(function () {
    function polygons(data) {
        const first = data && data.type === "FeatureCollection" && data.features
            && data.features[0];
        const type = first && first.geometry && first.geometry.type;
        return type === "Polygon" || type === "MultiPolygon";
    }

    function patch() {
        if (!window.L || !L.GeoJSON || L.GeoJSON.prototype.tdInPlace) { return; }
        const proto = L.GeoJSON.prototype;
        const clear = proto.clearLayers, addData = proto.addData, addLayer = proto.addLayer;
        proto.tdInPlace = true;
        proto.tdFlush = function () {
            if (this.tdPending) { this.tdPending = false; clear.call(this); }
        };
        proto.clearLayers = function () {
            if (!polygons(this.tdData)) { this.tdData = null; return clear.apply(this, arguments); }
            this.tdPending = true;
            const group = this;
            Promise.resolve().then(function () { group.tdFlush(); });
            return this;
        };
        proto.addData = function (data) {
            if (this.tdPending && data === this.tdData && this.options.style) {
                this.tdPending = false;
                return this.resetStyle();  // each layer: its defaults, then the style
            }
            this.tdFlush();
            const top = !this.tdAdding;
            if (top) { this.tdAdding = true; }
            try {
                return addData.apply(this, arguments);
            } finally {
                if (top) { this.tdAdding = false; this.tdData = data; }
            }
        };
        proto.addLayer = function () {
            if (!this.tdAdding) { this.tdFlush(); }
            return addLayer.apply(this, arguments);
        };
    }

    window.tdPatchGeoJSON = patch;
    patch();
    document.addEventListener("DOMContentLoaded", patch);
})();
