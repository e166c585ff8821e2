// solkg query page: load a named query into the editor, run SPARQL through /sparql, show rows.
(function () {
  "use strict";
  var texts = JSON.parse(document.getElementById("query-texts").textContent || "{}");
  var words = JSON.parse(document.getElementById("query-strings").textContent || "{}");
  var form = document.getElementById("editor");
  var area = document.getElementById("sparql-text");
  var select = document.getElementById("load-named");
  var format = document.getElementById("sparql-format");
  var out = document.getElementById("sparql-results");
  if (!form || !area || !out) { return; }
  select.addEventListener("change", function () {
    if (texts[select.value]) { area.value = texts[select.value]; }
  });
  function cell(term) {
    var td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      var a = document.createElement("a");
      var local = /^https:\/\/w3id\.org\/solkg\/(id|vocab)\/(.+)$/.exec(term.value);
      a.href = local ? "/" + local[1] + "/" + local[2] : "/resource?iri=" + encodeURIComponent(term.value);
      a.textContent = term.value;
      td.appendChild(a);
    } else {
      var span = document.createElement("span");
      span.textContent = (term.type === "bnode" ? "_:" : "") + term.value;
      if (term["xml:lang"]) { span.lang = term["xml:lang"]; }
      td.appendChild(span);
    }
    return td;
  }
  function show(doc) {
    out.innerHTML = "";
    var h = document.createElement("h3");
    h.textContent = words.results;
    out.appendChild(h);
    if (typeof doc.boolean === "boolean") {
      var p = document.createElement("p");
      p.className = "boolean";
      p.textContent = doc.boolean ? words["true"] : words["false"];
      out.appendChild(p);
      return;
    }
    var vars = doc.head.vars;
    var rows = doc.results.bindings;
    var count = document.createElement("p");
    count.className = "rowcount";
    count.textContent = rows.length + " " + (rows.length === 1 ? words.row : words.rows);
    out.appendChild(count);
    var wrap = document.createElement("div");
    wrap.className = "scroll";
    var table = document.createElement("table");
    table.className = "results-table";
    var head = table.createTHead().insertRow();
    vars.forEach(function (v) { var th = document.createElement("th"); th.scope = "col"; th.textContent = v; head.appendChild(th); });
    var body = table.createTBody();
    rows.forEach(function (b) { var tr = body.insertRow(); vars.forEach(function (v) { tr.appendChild(cell(b[v])); }); });
    wrap.appendChild(table);
    out.appendChild(wrap);
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    out.textContent = words.running;
    var fmt = format.value;
    var accept = fmt === "json" ? "application/sparql-results+json, text/turtle;q=0.9" : "";
    var body = new URLSearchParams();
    body.set("query", area.value);
    var url = "/sparql" + (fmt === "json" ? "" : "?format=" + encodeURIComponent(fmt));
    fetch(url, { method: "POST", body: body, headers: accept ? { "Accept": accept } : {} })
      .then(function (r) {
        return r.text().then(function (text) { return { ok: r.ok, type: r.headers.get("content-type") || "", text: text }; });
      })
      .then(function (r) {
        if (!r.ok) {
          out.innerHTML = "";
          var e = document.createElement("p");
          e.className = "error";
          e.setAttribute("role", "alert");
          e.textContent = words.error + ": " + r.text;
          out.appendChild(e);
        } else if (r.type.indexOf("sparql-results+json") >= 0) {
          show(JSON.parse(r.text));
        } else {
          out.innerHTML = "";
          var pre = document.createElement("pre");
          pre.className = "code";
          pre.textContent = r.text;
          out.appendChild(pre);
        }
      })
      .catch(function (err) { out.textContent = words.error + ": " + err; });
  });
})();
