/*
** html.c: graph.html, one self-contained page to explore the paper graph in
** a browser: the laid-out graph on a canvas with pan and zoom, the title on
** hover, the paper on click (title, days seen, links, community, PageRank),
** a search box over title words, and a legend whose entries hide or show
** communities.  Positions are the layout the pictures use.
**
** No network and no library: plain JavaScript written for this page.  The
** data sits in a <script type="application/json"> element that the script
** parses, and every string reaches it through pg_script_escape, so no text
** from a listing can end the element or run as code; the page's content
** security policy forbids any fetch.  Sized for 20,000 papers: the edges are
** one path, a grid finds the node under the pointer, and the page redraws
** only on demand.
*/
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "papergraph/base.h"
#include "papergraph/export.h"
#include "papergraph/graph.h"
#include "out/internal.h"

static const char *const html_head[] = {
"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ",
"style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n",
"<title>papergraph</title>\n<style>\n",
"html,body{margin:0;height:100%;font:14px/1.35 system-ui,sans-serif;color:#1c1c1f}\n",
"#cv{position:absolute;left:0;top:0;width:100%;height:100%;cursor:grab;background:#fff}\n",
"#side{position:absolute;right:10px;top:10px;width:300px;max-height:calc(100% - 20px);",
"overflow:auto;background:rgba(247,248,250,.96);border:1px solid #dde;border-radius:8px;",
"padding:10px}\n",
"#side h1{font-size:16px;margin:0 0 4px}\n#stats{color:#666;font-size:12px;margin-bottom:8px}\n",
"#q{width:100%;box-sizing:border-box;padding:5px;border:1px solid #bbc;border-radius:4px}\n",
"#hits div,#info .nb{cursor:pointer;padding:1px 0;color:#245}\n",
"#hits div:hover,#info .nb:hover{text-decoration:underline}\n",
"#legend label{display:block;font-size:12px;white-space:nowrap;overflow:hidden;",
"text-overflow:ellipsis}\n",
".sw{display:inline-block;width:10px;height:10px;border-radius:5px;margin:0 5px 0 3px}\n",
"#info{border-top:1px solid #dde;margin-top:8px;padding-top:6px}\n#info:empty{display:none}\n",
"#tip{position:absolute;pointer-events:none;background:#fff;border:1px solid #aab;",
"border-radius:4px;padding:3px 6px;max-width:420px;font-size:12px;display:none}\n",
"h2{font-size:13px;margin:10px 0 4px}\n",
"</style>\n</head>\n<body>\n<canvas id=\"cv\"></canvas>\n<div id=\"tip\"></div>\n",
"<div id=\"side\"><h1 id=\"title\"></h1><div id=\"stats\"></div>\n",
"<input id=\"q\" type=\"search\" placeholder=\"search titles\" autocomplete=\"off\">\n",
"<div id=\"hits\"></div><div id=\"info\"></div>\n",
"<h2>Communities</h2><div id=\"legend\"></div>\n",
"<div id=\"drawn\" hidden></div></div>\n",
"<script id=\"data\" type=\"application/json\">",
    NULL,
};

static const char *const html_tail[] = {
"</script>\n<script>\n",
"(function () {\n",
"'use strict';\n",
"var D = JSON.parse(document.getElementById('data').textContent);\n",
"var P = D.nodes, N = P.t.length, E = D.edges, K = D.comms.length;\n",
"var PAL = D.palette, SMALL = '#c4c7cb', OTHER = '#9aa3ad';\n",
"var cv = document.getElementById('cv'), g = cv.getContext('2d');\n",
"var tip = document.getElementById('tip'), info = document.getElementById('info');\n",
"var hidden = new Uint8Array(K), match = new Uint8Array(N);\n",
"var nMatch = 0, sel = -1, hover = -1, dpr = window.devicePixelRatio || 1;\n",
"var S = 1, TX = 0, TY = 0, W = 0, H = 0, queued = false;\n",
"function el(tag, text, cls) { var e = document.createElement(tag);\n",
"  if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }\n",
"function colour(c) { return c < D.groups ? (c < PAL.length ? PAL[c] : OTHER) : SMALL; }\n",
"var maxPR = 0; for (var i = 0; i < N; i++) maxPR = Math.max(maxPR, P.pr[i]);\n",
"var base = Math.max(1, Math.min(5, 140 / Math.sqrt(N + 1)));\n",
"var R = new Float32Array(N);\n",
"for (i = 0; i < N; i++) R[i] = base * (0.45 + 1.3 * Math.sqrt(maxPR > 0 ? P.pr[i] / maxPR : 0.5));\n",
"var adj = []; for (i = 0; i < N; i++) adj.push([]);\n",
"for (i = 0; i + 1 < E.length; i += 2) { adj[E[i]].push(E[i + 1]); adj[E[i + 1]].push(E[i]); }\n",
"var lower = P.t.map(function (t) { return t.toLowerCase(); });\n",
"/* Centre of each community, for its name. */\n",
"var cx = new Float64Array(K), cy = new Float64Array(K), cn = new Float64Array(K);\n",
"for (i = 0; i < N; i++) { cx[P.c[i]] += P.x[i]; cy[P.c[i]] += P.y[i]; cn[P.c[i]]++; }\n",
"/* A grid over the unit square finds the node under the pointer. */\n",
"var G = 128, cells = new Array(G * G);\n",
"function cell(v) { return Math.max(0, Math.min(G - 1, Math.floor(v * G))); }\n",
"for (i = 0; i < N; i++) { var k = cell(P.y[i]) * G + cell(P.x[i]);\n",
"  (cells[k] || (cells[k] = [])).push(i); }\n",
"function fit() { var s = Math.min(W, H) * 0.92; S = s; TX = (W - s) / 2 - 150; TY = (H - s) / 2;\n",
"  if (W < 700) TX = (W - s) / 2; }\n",
"function resize() { W = cv.clientWidth; H = cv.clientHeight; cv.width = W * dpr;\n",
"  cv.height = H * dpr; }\n",
"function shown(i) { return !hidden[P.c[i]]; }\n",
"function draw() {\n",
"  queued = false;\n",
"  g.setTransform(dpr, 0, 0, dpr, 0, 0); g.clearRect(0, 0, W, H);\n",
"  var z = Math.sqrt(S / 900), drawn = 0;\n",
"  g.lineWidth = 0.6; g.strokeStyle = 'rgba(120,128,140,0.18)'; g.beginPath();\n",
"  for (var j = 0; j + 1 < E.length; j += 2) { var a = E[j], b = E[j + 1];\n",
"    if (hidden[P.c[a]] || hidden[P.c[b]]) continue;\n",
"    g.moveTo(TX + P.x[a] * S, TY + P.y[a] * S); g.lineTo(TX + P.x[b] * S, TY + P.y[b] * S); }\n",
"  g.stroke();\n",
"  for (var i = 0; i < N; i++) { if (!shown(i)) continue;\n",
"    var x = TX + P.x[i] * S, y = TY + P.y[i] * S, r = R[i] * z;\n",
"    drawn++;\n",
"    if (x < -r || y < -r || x > W + r || y > H + r) continue;\n",
"    g.beginPath(); g.arc(x, y, Math.max(r, 0.8), 0, 6.2832);\n",
"    g.fillStyle = colour(P.c[i]); g.fill();\n",
"    if (match[i] || i === sel) { g.lineWidth = 2.5; g.strokeStyle = i === sel ? '#000' : '#d62728';\n",
"      g.stroke(); } }\n",
"  g.font = 'bold 13px system-ui,sans-serif'; g.textAlign = 'center';\n",
"  for (var c = 0; c < Math.min(K, D.groups, 12); c++) { if (hidden[c] || !cn[c]) continue;\n",
"    var lx = TX + cx[c] / cn[c] * S, ly = TY + cy[c] / cn[c] * S;\n",
"    var name = D.comms[c].l.split(', ').slice(0, 2).join(', ');\n",
"    g.lineWidth = 4; g.strokeStyle = 'rgba(255,255,255,0.9)'; g.strokeText(name, lx, ly);\n",
"    g.fillStyle = '#222'; g.fillText(name, lx, ly); }\n",
"  var d = document.getElementById('drawn');\n",
"  d.textContent = String(drawn); document.body.setAttribute('data-drawn', String(drawn));\n",
"}\n",
"function redraw() { if (!queued) { queued = true; requestAnimationFrame(draw); } }\n",
"function at(mx, my) {\n",
"  var wx = (mx - TX) / S, wy = (my - TY) / S, best = -1, bd = Infinity;\n",
"  var span = Math.ceil(12 / S * G) + 1, gx = cell(wx), gy = cell(wy);\n",
"  for (var yy = gy - span; yy <= gy + span; yy++) for (var xx = gx - span; xx <= gx + span; xx++) {\n",
"    if (xx < 0 || yy < 0 || xx >= G || yy >= G) continue;\n",
"    var l = cells[yy * G + xx]; if (!l) continue;\n",
"    for (var q = 0; q < l.length; q++) { var i = l[q]; if (!shown(i)) continue;\n",
"      var dx = (P.x[i] - wx) * S, dy = (P.y[i] - wy) * S, dd = dx * dx + dy * dy;\n",
"      var r = Math.max(R[i] * Math.sqrt(S / 900), 4) + 2;\n",
"      if (dd <= r * r && dd < bd) { bd = dd; best = i; } } }\n",
"  return best;\n",
"}\n",
"function row(k, v) { var d = el('div'); d.appendChild(el('b', k + ': ')); d.appendChild(el('span', v));\n",
"  return d; }\n",
"function select(i, centre) {\n",
"  sel = i; info.textContent = ''; if (i < 0) { redraw(); return; }\n",
"  info.appendChild(el('div', P.t[i], 'tt')).style.fontWeight = 'bold';\n",
"  info.appendChild(row('paper', P.id[i]));\n",
"  info.appendChild(row('days seen', P.days[i] + (P.first[i] ? ' (' + P.first[i] +\n",
"    (P.last[i] && P.last[i] !== P.first[i] ? ' to ' + P.last[i] : '') + ')' : '')));\n",
"  info.appendChild(row('community', (P.c[i] + 1) + (D.comms[P.c[i]].l ? ': ' + D.comms[P.c[i]].l : '')));\n",
"  info.appendChild(row('PageRank', P.pr[i].toPrecision(3)));\n",
"  info.appendChild(row('links', String(adj[i].length)));\n",
"  adj[i].slice(0, 30).forEach(function (j) { var d = el('div', P.t[j], 'nb');\n",
"    d.onclick = function () { select(j, true); }; info.appendChild(d); });\n",
"  if (centre) { TX = W / 2 - 150 - P.x[i] * S; TY = H / 2 - P.y[i] * S; }\n",
"  redraw();\n",
"}\n",
"var q = document.getElementById('q'), hits = document.getElementById('hits');\n",
"q.oninput = function () {\n",
"  var words = q.value.toLowerCase().split(/\\s+/).filter(Boolean); match.fill(0); nMatch = 0;\n",
"  hits.textContent = '';\n",
"  if (words.length) for (var i = 0; i < N; i++) {\n",
"    if (words.every(function (w) { return lower[i].indexOf(w) >= 0; })) {\n",
"      match[i] = 1; nMatch++;\n",
"      if (nMatch <= 20) { var d = el('div', P.t[i]); d.onclick = select.bind(null, i, true);\n",
"        hits.appendChild(d); } } }\n",
"  if (words.length) hits.insertBefore(el('div', nMatch + ' found'), hits.firstChild).style.color = '#666';\n",
"  redraw();\n",
"};\n",
"var legend = document.getElementById('legend');\n",
"D.comms.slice(0, Math.min(K, 40)).forEach(function (cm, c) {\n",
"  var lab = el('label'), box = el('input'); box.type = 'checkbox'; box.checked = true;\n",
"  box.onchange = function () { hidden[c] = box.checked ? 0 : 1; redraw(); };\n",
"  var sw = el('span', '', 'sw'); sw.style.background = colour(c);\n",
"  lab.appendChild(box); lab.appendChild(sw);\n",
"  lab.appendChild(document.createTextNode((cm.l || 'community ' + (c + 1)) + ' (' + cm.s + ')'));\n",
"  lab.title = cm.l; legend.appendChild(lab);\n",
"});\n",
"if (K > 40) { var rest = el('label'), rb = el('input'); rb.type = 'checkbox'; rb.checked = true;\n",
"  rb.onchange = function () { for (var c = 40; c < K; c++) hidden[c] = rb.checked ? 0 : 1; redraw(); };\n",
"  rest.appendChild(rb); rest.appendChild(document.createTextNode((K - 40) + ' more (small)'));\n",
"  legend.appendChild(rest); }\n",
"document.getElementById('title').textContent = D.title;\n",
"document.getElementById('stats').textContent = N + ' papers \\u00b7 ' + E.length / 2 + ' links \\u00b7 ' +\n",
"  D.groups + ' communities of ' + D.group_min + ' or more papers';\n",
"var drag = null;\n",
"cv.onmousedown = function (e) { drag = { x: e.clientX, y: e.clientY, tx: TX, ty: TY, moved: false };\n",
"  cv.style.cursor = 'grabbing'; };\n",
"window.onmouseup = function (e) { if (drag && !drag.moved) select(at(e.clientX, e.clientY), false);\n",
"  drag = null; cv.style.cursor = 'grab'; };\n",
"cv.onmousemove = function (e) {\n",
"  if (drag) { var dx = e.clientX - drag.x, dy = e.clientY - drag.y;\n",
"    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;\n",
"    TX = drag.tx + dx; TY = drag.ty + dy; tip.style.display = 'none'; redraw(); return; }\n",
"  var i = at(e.clientX, e.clientY);\n",
"  if (i !== hover) { hover = i; if (i < 0) tip.style.display = 'none';\n",
"    else { tip.textContent = P.t[i]; tip.style.display = 'block'; } }\n",
"  if (i >= 0) { tip.style.left = (e.clientX + 12) + 'px'; tip.style.top = (e.clientY + 12) + 'px'; }\n",
"};\n",
"cv.onwheel = function (e) { e.preventDefault(); var f = Math.exp(-e.deltaY * 0.0015);\n",
"  var ns = Math.max(50, Math.min(S * f, 200000)); f = ns / S;\n",
"  TX = e.clientX - (e.clientX - TX) * f; TY = e.clientY - (e.clientY - TY) * f; S = ns; redraw(); };\n",
"window.onresize = function () { resize(); redraw(); };\n",
"resize(); fit(); draw();\n",
"})();\n",
"</script>\n</body>\n</html>\n",
    NULL,
};


static pg_err str(pg_buf *b, const char *s)
{
    return pg_script_escape(s ? s : "", s ? strlen(s) : 0, b);
}

static pg_err num(pg_buf *b, double v)
{
    return isfinite(v) ? pg_buf_printf(b, "%.6g", v) : pg_buf_puts(b, "0");
}

/* One column of the node table: field f of every node, as a JSON array. */
typedef enum { F_X, F_Y, F_PR, F_C, F_DAYS, F_T, F_ID, F_FIRST, F_LAST } field;

static pg_err column(pg_buf *b, const pg_graph *g, const char *name, field f)
{
    pg_err rc = pg_buf_printf(b, "%s\"%s\":[", f == F_X ? "" : ",", name);
    for (size_t i = 0; i < g->n_nodes && rc == PG_OK; i++) {
        const pg_graph_node *nd = &g->nodes[i];
        if (i > 0)
            rc = pg_buf_putc(b, ',');
        if (rc != PG_OK)
            break;
        switch (f) {
        case F_X: rc = num(b, nd->x); break;
        case F_Y: rc = num(b, nd->y); break;
        case F_PR: rc = num(b, nd->pagerank); break;
        case F_C: rc = pg_buf_printf(b, "%d", nd->community); break;
        case F_DAYS: rc = pg_buf_printf(b, "%d", nd->days); break;
        case F_T: rc = str(b, nd->label ? nd->label : nd->title); break;
        case F_ID: rc = str(b, nd->id); break;
        case F_FIRST: rc = str(b, nd->first_day); break;
        case F_LAST: rc = str(b, nd->last_day); break;
        }
    }
    return rc == PG_OK ? pg_buf_putc(b, ']') : rc;
}

static pg_err page_data(pg_buf *b, const pg_graph *g, const char *title)
{
    static const struct { const char *name; field f; } cols[] = {
        { "x", F_X }, { "y", F_Y }, { "pr", F_PR }, { "c", F_C }, { "days", F_DAYS },
        { "t", F_T }, { "id", F_ID }, { "first", F_FIRST }, { "last", F_LAST },
    };
    pg_err rc = pg_buf_puts(b, "{\"title\":");
    if (rc == PG_OK) rc = str(b, title);
    if (rc == PG_OK) rc = pg_buf_printf(b, ",\"groups\":%zu,\"group_min\":%d,\"palette\":[",
                                        g->n_groups, PG_GROUP_MIN);
    for (size_t i = 0; i < 12 && rc == PG_OK; i++)
        rc = pg_buf_printf(b, "%s\"#%06x\"", i ? "," : "", (unsigned)pg_draw_palette_rgb(i));
    if (rc == PG_OK) rc = pg_buf_puts(b, "],\"nodes\":{");
    for (size_t k = 0; k < sizeof cols / sizeof cols[0] && rc == PG_OK; k++)
        rc = column(b, g, cols[k].name, cols[k].f);
    if (rc == PG_OK) rc = pg_buf_puts(b, "},\"edges\":[");
    for (size_t i = 0; i < g->n_edges && rc == PG_OK; i++)
        rc = pg_buf_printf(b, "%s%zu,%zu", i ? "," : "", g->edges[i].a, g->edges[i].b);
    if (rc == PG_OK) rc = pg_buf_puts(b, "],\"comms\":[");
    for (size_t c = 0; c < g->n_communities && rc == PG_OK; c++) {
        rc = pg_buf_puts(b, c ? ",{\"l\":" : "{\"l\":");
        if (rc == PG_OK) rc = str(b, g->communities[c].label);
        if (rc == PG_OK) rc = pg_buf_printf(b, ",\"s\":%zu}", g->communities[c].size);
    }
    return rc == PG_OK ? pg_buf_puts(b, "]}") : rc;
}

pg_err pg_graph_write_html(const pg_graph *g, const char *title, FILE *out,
                           pg_error *err)
{
    if (g == NULL || out == NULL)
        return pg_error_set(err, PG_ERR_USAGE, "html: no graph or no file");
    for (size_t i = 0; i < g->n_nodes; i++)
        if (!isfinite(g->nodes[i].x) || !isfinite(g->nodes[i].y))
            return pg_error_set(err, PG_ERR_USAGE, "html: the graph has no layout");
    pg_buf b = PG_BUF_INIT;
    pg_err rc = page_data(&b, g, title && title[0] ? title : "papergraph");
    if (rc != PG_OK) {
        pg_buf_release(&b);
        return pg_error_set(err, rc, "out of memory");
    }
    int bad = 0;
    for (size_t i = 0; html_head[i] != NULL; i++)
        bad |= fputs(html_head[i], out) == EOF;
    bad |= fwrite(b.data, 1, b.len, out) != b.len;
    for (size_t i = 0; html_tail[i] != NULL; i++)
        bad |= fputs(html_tail[i], out) == EOF;
    if (bad)
        rc = pg_error_set(err, PG_ERR_IO, "write error");
    pg_buf_release(&b);
    return rc;
}
