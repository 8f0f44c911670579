/* On a phone the territory maps (the map page's, the underperformers') show
   the 48 contiguous states whole: their fixed zoom is set for a laptop's card
   and, 340 px wide, showed the Midwest only. Registered on Leaflet itself, so
   it runs for every map made after it, once the map has its first view. */
(function hookWhenLeafletIsThere(tries) {
    if (!window.L || !window.L.Map) {
        if (tries < 200) {  // 10 s: Leaflet comes with dash-leaflet's bundle
            setTimeout(hookWhenLeafletIsThere, 50, tries + 1);
        }
        return;
    }
    window.L.Map.addInitHook(function () {
        const map = this;
        map.whenReady(function () {
            const box = map.getContainer();
            if (box.classList.contains("td-us-map") && box.clientWidth < 576) {
                map.fitBounds([[24.5, -124.8], [49.4, -66.9]], {padding: [4, 4]});
            }
        });
    });
})(0);
