/* "Print" in the territory drill-down: the browser's print dialog, with the
   @media print rules of style.css keeping only the panel. A plain listener,
   not a Dash callback: printing needs nothing from the server. */
document.addEventListener("click", function (event) {
    const target = event.target;
    if (target && target.closest && target.closest("#drilldown-print")) {
        window.print();
    }
});
