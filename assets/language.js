/* The language switch posts a form; before it goes, point its "next" field at
   the page as it is now (path and query), so the reload lands on the same
   view with the same selection, in the new language. */
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form || form.id !== "language-switch") { return; }
  var next = form.querySelector("input[name=next]");
  if (next) { next.value = window.location.pathname + window.location.search; }
}, true);
