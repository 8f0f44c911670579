/* The import page's size limit, said before anything is sent: dcc.Upload
   silently drops a file over its max_size, so when a dropped or chosen file
   is larger, show the warning the server wrote into the page (its
   data-max-bytes and its text, in the page's language, with {name} for the
   file names). Names are set as text, never as HTML. */
(function () {
    function tooBig(event) {
        const target = event.target;
        const box = target && target.closest && target.closest(".upload-box");
        // the warning of the box's own card (the import's, or the boundary file's)
        const card = box && box.closest(".card");
        const warning = card && card.querySelector("[data-max-bytes]");
        if (!box || !warning) { return; }
        const files = (event.dataTransfer && event.dataTransfer.files) || target.files || [];
        const limit = Number(warning.getAttribute("data-max-bytes"));
        const template = warning.getAttribute("data-template") || warning.textContent;
        warning.setAttribute("data-template", template);
        const names = Array.prototype.filter.call(files, function (f) { return f.size > limit; })
            .map(function (f) { return f.name; });
        warning.textContent = template.replace("{name}", names.join(", "));
        warning.hidden = names.length === 0;
    }
    document.addEventListener("drop", tooBig, true);
    document.addEventListener("change", tooBig, true);
})();
