/* Number formats for grid cells, in the page's language and currency.
   The server writes the locale and currency into each column's valueFormatter
   (layouts/grid_format.py), so a French page shows "1 234 $US" and "12,3 %"
   the way Babel does on the server. Missing values are "—", never 0. */
window.tdFormat = (function () {
  var cache = {};
  function nf(locale, options) {
    var key = locale + JSON.stringify(options);
    if (!cache[key]) { cache[key] = new Intl.NumberFormat(locale, options); }
    return cache[key];
  }
  function missing(v) { return v === null || v === undefined || v === "" || !isFinite(v); }
  function signed(text, v) { return v > 0 ? "+" + text : text; }
  return {
    money: function (v, locale, currency) {
      return missing(v) ? "—" : nf(locale, {style: "currency", currency: currency,
                                            maximumFractionDigits: 0}).format(v);
    },
    /* formatting.money's rule: at most 3 significant digits and one decimal,
       whole units under 1,000; ``affixes`` are its [before, after] per power
       of 1,000 ("$" "K", "" " k $US"), so the suffix and its case are the server's */
    moneyCompact: function (v, locale, currency, withSign, affixes) {
      if (missing(v)) { return "—"; }
      var magnitude = Math.abs(v), power = 0, scaled, digits, rounded;
      for (;;) {
        scaled = magnitude / Math.pow(1000, power);
        digits = power && scaled < 100 ? 1 : 0;
        rounded = Math.round(scaled * Math.pow(10, digits)) / Math.pow(10, digits);
        if (rounded < 1000 || power === affixes.length - 1) { break; }
        power += 1;
      }
      var shown = nf(locale, {minimumFractionDigits: 0, maximumFractionDigits: digits})
        .format(rounded);
      var text = (v < 0 && rounded > 0 ? "-" : "") + affixes[power][0] + shown + affixes[power][1];
      return withSign ? signed(text, v) : text;
    },
    percent: function (v, locale, digits, withSign) {
      if (missing(v)) { return "—"; }
      var text = nf(locale, {style: "percent", minimumFractionDigits: digits,
                             maximumFractionDigits: digits}).format(v);
      return withSign ? signed(text, v) : text;
    },
    /* an ISO date (the grid sorts and filters the ISO text) as the language writes it */
    day: function (v, locale) {
      if (!v) { return "—"; }
      var parts = String(v).slice(0, 10).split("-");
      if (parts.length !== 3) { return String(v); }
      var key = "date" + locale;
      if (!cache[key]) {
        cache[key] = new Intl.DateTimeFormat(locale, {year: "numeric", month: "short",
                                                      day: "numeric", timeZone: "UTC"});
      }
      return cache[key].format(new Date(Date.UTC(+parts[0], +parts[1] - 1, +parts[2])));
    },
    number: function (v, locale, digits, withSign, suffix) {
      if (missing(v)) { return "—"; }
      var text = nf(locale, {minimumFractionDigits: digits,
                             maximumFractionDigits: digits}).format(v);
      return (withSign ? signed(text, v) : text) + (suffix || "");
    }
  };
})();
/* dash-ag-grid evaluates a valueFormatter string against its own scope (Math,
   d3, agGrid, dash_clientside and the keys of dashAgGridFunctions), not window:
   register tdFormat there. */
window.dashAgGridFunctions = window.dashAgGridFunctions || {};
window.dashAgGridFunctions.tdFormat = window.tdFormat;
