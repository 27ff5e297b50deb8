// threadclean report: draws one page of posts at a time (long threads keep each page in a
// <template>), and follows links to posts and passages on other pages.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var main = document.getElementById("thread");
  var current = -1;
  function show(k) {
    if (data.pages < 2 || k === current) return;
    var tpl = document.getElementById("page" + k);
    if (!tpl) return;
    main.replaceChildren(tpl.content.cloneNode(true));
    current = k;
    document.querySelectorAll("nav.pager").forEach(function (nav) {
      nav.replaceChildren();
      for (var i = 0; i < data.pages; i++) {
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = String(i + 1);
        b.dataset.page = String(i);
        if (i === k) b.setAttribute("aria-current", "page");
        nav.appendChild(b);
      }
    });
  }
  function follow() {
    var id = "";
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (err) { id = ""; }  // "#%E0"
    // only the report's own ids ("#constructor" names no post: Object's own properties are not)
    if (id && Object.prototype.hasOwnProperty.call(data.where, id)) show(data.where[id]);
    if (current < 0) show(0);
    var el = id && document.getElementById(id);
    if (el) {
      el.scrollIntoView({block: "center"});
      var next = el.nextElementSibling;
      if (next && next.classList.contains("canon")) {
        next.classList.add("flash");
        setTimeout(function () { next.classList.remove("flash"); }, 1500);
      }
    }
  }
  document.addEventListener("click", function (e) {
    var b = e.target.closest("nav.pager button");
    if (b) { show(Number(b.dataset.page)); window.scrollTo(0, main.offsetTop); }
  });
  window.addEventListener("hashchange", follow);
  // the view switches: a class on <body>, so a page drawn later follows them too
  [["view-clean", "view-clean"], ["hide-markup", "hide-markup"]].forEach(function (pair) {
    var box = document.getElementById(pair[0]);
    if (!box) return;
    box.addEventListener("change", function () { document.body.classList.toggle(pair[1], box.checked); });
    document.body.classList.toggle(pair[1], box.checked);
  });
  follow();
})();
