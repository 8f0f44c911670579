/* AG Grid CSV export guard, referenced from layouts/components.csv_export().
   A text cell starting with = + - @ tab or carriage return would run as a
   formula when the CSV is opened in a spreadsheet: prefix it with a quote.
   The same rule as the server's exporter (dashboard/ingest/export.py), quotes
   already in front included ('=x becomes ''=x, which the importer reads back
   as '=x). Numbers pass through. */
window.dashAgGridFunctions = window.dashAgGridFunctions || {};
window.dashAgGridFunctions.safeCsvCell = function (params) {
    const value = params.value;
    if (typeof value !== "string") {
        return value;
    }
    return /^'*[=+\-@\t\r]/.test(value) ? "'" + value : value;
};
