/* AG Grid CSV export guard, referenced from layouts/components.csv_export().
   A text cell starting with = + - @ (or a tab / carriage return) would run
   as a formula when the CSV is opened in a spreadsheet: prefix it with a
   quote, as the server-side exporter does. Numbers pass through. */
window.dashAgGridFunctions = window.dashAgGridFunctions || {};
window.dashAgGridFunctions.safeCsvCell = function (params) {
    const value = params.value;
    if (typeof value !== "string") {
        return value;
    }
    return /^[=+\-@\t\r]/.test(value) ? "'" + value : value;
};
