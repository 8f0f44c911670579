/* Territory map style functions, referenced from Python through
   dash_extensions.javascript.Namespace("territoryMap", "map").
   Colours and tooltips arrive in the GeoJSON `hideout`, so recolouring the
   map never resends geometry. Tooltip text is built on the server, in the
   page's language, with names already HTML-escaped. Anything else that
   reaches a tooltip's HTML (an id, a label) goes through escapeHtml: a
   territory id such as `T<img src=x onerror=...>` is shown as text. */
window.territoryMap = Object.assign({}, window.territoryMap, {
    escapeHtml: function (value) {
        return String(value === null || value === undefined ? "" : value)
            .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
            .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
    },
    map: {
        territoryStyle: function (feature, context) {
            if (window.tdPatchGeoJSON) { window.tdPatchGeoJSON(); }  // geojson_restyle.js
            const hideout = (context && context.hideout) || {};
            const key = hideout.key || "default";
            window.territoryMapHideouts = window.territoryMapHideouts || {};
            window.territoryMapHideouts[key] = hideout;
            const id = feature.properties.territory_id;
            const fill = (hideout.colors || {})[id] || "#bdbdbd";
            const selected = hideout.selected === id;
            const flagged = (hideout.flagged || []).indexOf(id) >= 0;
            return {
                fillColor: fill,
                fillOpacity: 0.82,
                color: selected ? "#000000" : (flagged ? "#6a1b9a" : "#4d4d4d"),
                weight: selected ? 3.5 : (flagged ? 2.5 : 0.8),
                dashArray: flagged && !selected ? "6 3" : null,
            };
        },
        /* The hover highlight. dash-leaflet binds its mouseover handler once,
           with the props of the first render, so the hideout is read from
           the copy territoryStyle keeps: a hovered *selected* territory keeps
           its 3.5 px black outline instead of dropping to the hover style. */
        territoryHover: function (feature, context) {
            const key = ((context && context.hideout) || {}).key || "default";
            const hideout = (window.territoryMapHideouts || {})[key] || {};
            const selected = hideout.selected === feature.properties.territory_id;
            return selected ? {weight: 3.5, color: "#000000"} : {weight: 3, color: "#111111"};
        },
        stateStyle: function () {
            return {fill: false, color: "#ffffff", weight: 1.2, opacity: 0.9};
        },
        bindTooltip: function (feature, layer, context) {
            const id = feature.properties.territory_id;
            const key = ((context && context.hideout) || {}).key || "default";
            layer.bindTooltip(function () {
                const hideout = (window.territoryMapHideouts || {})[key] || {};
                return (hideout.tips || {})[id] || window.territoryMap.escapeHtml(id);
            }, {sticky: true, className: "territory-tip"});
        },
        /* Account points: customers blue, prospects orange (ColorBrewer RdBu
           ends, safe for the common colour-vision deficiencies). Points carry
           only an id and the customer flag `c`: no names to escape. */
        accountPoint: function (feature, latlng) {
            const customer = feature.properties && feature.properties.c === 1;
            return L.circleMarker(latlng, {
                radius: 4, weight: 1, color: "#ffffff", opacity: 0.9,
                fillColor: customer ? "#2166ac" : "#ef8a62", fillOpacity: 0.9,
            });
        },
        accountCluster: function (feature, latlng) {
            const count = feature.properties.point_count;
            const size = count < 100 ? 30 : (count < 1000 ? 38 : 46);
            const icon = L.divIcon({
                html: "<div><span>"
                    + window.territoryMap.escapeHtml(feature.properties.point_count_abbreviated)
                    + "</span></div>",
                className: "td-cluster",
                iconSize: L.point(size, size),
            });
            return L.marker(latlng, {icon: icon});
        },
    },
});

/* What-if editor county layer: Namespace("territoryMap", "whatif").
   `hideout` carries colors (fips -> colour), changed / locked / selected
   (fips lists), moved (fips -> new territory), names (territory -> escaped
   label) and words (the tooltip's words in the page's language), all
   computed on the server; county labels arrive escaped too. No word is
   written here: every text a user reads comes from the server. */
window.territoryMap = Object.assign({}, window.territoryMap, {
    whatif: {
        /* The selection is not sent in the hideout: a changed hideout makes
           dash-leaflet clear and re-add every feature of the layer (3,142
           counties took ~0.5 s of the page's thread at size L). The selection
           is kept here (layer key -> ids) by the clientside callbacks below,
           which restyle in place only the features whose selection changed;
           each feature's Leaflet layer is kept as it is added. A layer whose
           selection was never set reads the hideout's. */
        selection: function (key, hideout) {
            const kept = (window.tdWhatifSelection || {})[key];
            return kept || (hideout || {}).selected || [];
        },
        keep: function (key, id, layer) {
            window.tdWhatifLayers = window.tdWhatifLayers || {};
            (window.tdWhatifLayers[key] = window.tdWhatifLayers[key] || {})[id] = layer;
        },
        select: function (key, styleName, selected) {
            const now = (selected || []).filter(function (s) { return typeof s === "string"; });
            const hideout = (window.territoryMapHideouts || {})[key] || {};
            const before = window.territoryMap.whatif.selection(key, hideout);
            window.tdWhatifSelection = Object.assign({}, window.tdWhatifSelection);
            window.tdWhatifSelection[key] = now;
            const layers = (window.tdWhatifLayers || {})[key] || {};
            const style = window.territoryMap.whatif[styleName];
            new Set(before.concat(now)).forEach(function (id) {
                const layer = layers[id];
                if (layer && layer.feature && layer.setStyle) {
                    layer.setStyle(style(layer.feature, {hideout: hideout}));
                }
            });
        },
        countyStyle: function (feature, context) {
            if (window.tdPatchGeoJSON) { window.tdPatchGeoJSON(); }  // geojson_restyle.js
            const hideout = (context && context.hideout) || {};
            window.territoryMapHideouts = window.territoryMapHideouts || {};
            window.territoryMapHideouts.whatif = hideout;
            const fips = feature.properties.fips;
            const has = function (name) { return (hideout[name] || []).indexOf(fips) >= 0; };
            const selected = window.territoryMap.whatif.selection("whatif", hideout)
                .indexOf(fips) >= 0;
            const changed = has("changed");
            const locked = has("locked");
            return {
                fillColor: (hideout.colors || {})[fips] || "#bdbdbd",
                fillOpacity: selected ? 0.95 : 0.78,
                color: selected ? "#facc15" : (changed ? "#111111" : (locked ? "#6b7280" : "#ffffff")),
                weight: selected ? 3 : (changed ? 2 : (locked ? 1.5 : 0.3)),
                dashArray: locked && !selected && !changed ? "3 2" : null,
            };
        },
        bindTooltip: function (feature, layer) {
            window.territoryMap.whatif.keep("whatif", feature.properties.fips, layer);
            layer.bindTooltip(function () {
                const hideout = (window.territoryMapHideouts || {}).whatif || {};
                const fips = feature.properties.fips;
                const moved = (hideout.moved || {})[fips];
                const tid = moved || feature.properties.t;
                /* the words come translated from the server (hideout.words); a
                   territory outside the viewer's scope has no name in the hideout */
                const words = hideout.words || {};
                const esc = window.territoryMap.escapeHtml;
                const name = (hideout.names || {})[tid] || esc(words.outside || tid);
                let text = "<b>" + feature.properties.label + "</b><br>" + name;
                if (moved) {
                    const from = (hideout.names || {})[feature.properties.t]
                        || esc(words.outside || feature.properties.t);
                    text += "<br><i>" + esc(words.moved_from || "→") + " " + from + "</i>";
                }
                if ((hideout.locked || []).indexOf(fips) >= 0 && words.locked) {
                    text += "<br>" + esc(words.locked);
                }
                return text;
            }, {sticky: true, className: "territory-tip"});
        },
        /* The ZIP areas of an expanded county, over the county layer. Their
           hideout (key "whatif-zips") carries colors and territory (zip ->
           colour, zip -> scenario territory), changed (moved in the scenario),
           selected, names and words: all from the server. */
        zipStyle: function (feature, context) {
            if (window.tdPatchGeoJSON) { window.tdPatchGeoJSON(); }  // geojson_restyle.js
            const hideout = (context && context.hideout) || {};
            window.territoryMapHideouts = window.territoryMapHideouts || {};
            window.territoryMapHideouts.whatifZips = hideout;
            const zip = feature.properties.zip;
            const selected = window.territoryMap.whatif.selection("whatifZips", hideout)
                .indexOf(zip) >= 0;
            const changed = (hideout.changed || []).indexOf(zip) >= 0;
            return {
                fillColor: (hideout.colors || {})[zip] || "#bdbdbd",
                fillOpacity: selected ? 0.95 : 0.85,
                color: selected ? "#facc15" : (changed ? "#111111" : "#374151"),
                weight: selected ? 3 : (changed ? 2 : 0.6),
            };
        },
        bindZipTooltip: function (feature, layer) {
            window.territoryMap.whatif.keep("whatifZips", feature.properties.zip, layer);
            layer.bindTooltip(function () {
                const hideout = (window.territoryMapHideouts || {}).whatifZips || {};
                const esc = window.territoryMap.escapeHtml;
                const words = hideout.words || {};
                const tid = (hideout.territory || {})[feature.properties.zip];
                const name = (hideout.names || {})[tid] || esc(words.outside || tid);
                const moved = (hideout.changed || []).indexOf(feature.properties.zip) >= 0;
                return "<b>" + feature.properties.label + "</b><br>" + name
                    + (moved ? "<br>" + esc(words.moved || "") : "")
                    + "<br><i>" + esc(words.approximate || "") + "</i>";
            }, {sticky: true, className: "territory-tip"});
        },
    },
});

/* The what-if selection outlined in place (territoryMap.whatif.select): the
   county picker's and the clicked ZIP areas'. Nothing goes back to Dash. */
window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.territorySelection = {
    counties: function (selected) {
        window.territoryMap.whatif.select("whatif", "countyStyle", selected);
        return window.dash_clientside.no_update;
    },
    zips: function (selected) {
        window.territoryMap.whatif.select("whatifZips", "zipStyle", selected);
        return window.dash_clientside.no_update;
    },
};
