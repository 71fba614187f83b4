"""The one stylesheet of the pages, served from /assets/site.css (CSP: style-src 'self').

System fonts, no web fonts, no images. Colours meet WCAG AA contrast on their backgrounds
(text #1a1a1a on #fff, muted #4a4a4a on #fff, links #0645ad, badges dark text on light tints).
In forced colours (Windows contrast themes) the current filter keeps a mark of its own (its fill
and white text were replaced, it looked like the others) and the charts draw in the theme's text
colour (SVG fill and stroke are not forced: the grey labels and blue bars faded on a black theme).
"""

from __future__ import annotations

CSS = """\
:root{--fg:#1a1a1a;--muted:#4a4a4a;--bg:#fff;--line:#d0d0d0;--link:#0645ad;--accent:#0b5394;
--card:#f7f7f8;--up:#0a6b2d;--down:#8a1c1c;--flat:#5a4a00}
*{box-sizing:border-box}
html{font-size:100%;-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
line-height:1.5;color:var(--fg);background:var(--bg);overflow-wrap:break-word}
a{color:var(--link)}
a:focus-visible,summary:focus-visible,.table-wrap:focus-visible{outline:3px solid #b35c00;outline-offset:2px}
sup a{padding:0 .2rem}
.cites sup{white-space:nowrap}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}
.skip:focus{left:.5rem}
header.site,main,footer.site{max-width:60rem;margin:0 auto;padding:0 1rem}
header.site{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;
border-bottom:1px solid var(--line);padding-top:.5rem;padding-bottom:.5rem}
.site-notice{flex-basis:100%;margin:.5rem 0 0;padding:.4rem .75rem;background:#fff8e1;
border:1px solid #e0c060;border-radius:.25rem}
.brand{font-weight:700;font-size:1.25rem;text-decoration:none;color:var(--fg)}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem .75rem}
.chips{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.4rem .5rem}
.chips a{display:inline-block;padding:.2rem .6rem;border:1px solid var(--line);border-radius:1rem;
text-decoration:none;min-height:44px;line-height:2.2}
.chips a[aria-current=page]{background:var(--accent);color:#fff;border-color:var(--accent)}
.filters{margin:.75rem 0}
.filters h2{font-size:.9rem;margin:.5rem 0 .25rem;color:var(--muted)}
h1{font-size:1.6rem;line-height:1.25;margin:1rem 0 .5rem}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
.freshness,.meta,.note{color:var(--muted);font-size:.9rem}
ol.trends{list-style:none;padding:0;margin:0}
ol.trends>li{margin:0 0 1rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.75rem 1rem}
.card h2{font-size:1.1rem;margin:.25rem 0}
.card h2 a{text-decoration:none}
.card h2 a:hover{text-decoration:underline}
.badges{display:flex;flex-wrap:wrap;gap:.4rem;margin:.25rem 0;padding:0;list-style:none}
.badge{display:inline-block;font-size:.85rem;padding:.05rem .5rem;border-radius:.25rem;
border:1px solid var(--line);background:#fff}
.status-emerging,.status-rising{color:var(--up);border-color:var(--up)}
.status-peaking{color:var(--accent);border-color:var(--accent)}
.status-fading,.status-cooled{color:var(--down);border-color:var(--down)}
.prediction{font-style:italic}
dl.counters{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;margin:.5rem 0}
dl.counters div{display:flex;flex-direction:column}
dl.counters dt{font-size:.8rem;color:var(--muted)}
dl.counters dd{margin:0;font-weight:600}
.row{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem}
.sparkline .spark-line{stroke:var(--accent)}
svg.chart{width:100%;height:auto;max-width:40rem;display:block}
svg.chart .bar{fill:var(--accent)}
svg.chart .axis{font-size:11px;fill:var(--muted)}
svg.chart .axis-line{stroke:var(--muted);stroke-width:1}
.second{font-size:1.1rem;color:var(--muted);margin:0 0 .5rem}
section{border-top:1px solid var(--line);margin-top:1rem}
ol.coverage{padding-left:1.25rem}
ol.coverage li{margin:.35rem 0}
ol.coverage h3{font-size:1rem;margin:.6rem 0 .2rem}
ul.articles{padding-left:1rem}
.badge.candidate{color:var(--muted);border-style:dashed}
.outlet{font-weight:600}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
.table-wrap{overflow-x:auto}
.ok{color:var(--up)}.failing{color:var(--down)}
details{margin:.5rem 0}
summary{cursor:pointer}
.pager{margin:1rem 0}
footer.site{border-top:1px solid var(--line);margin-top:2rem;padding-top:.5rem;padding-bottom:2rem}
@media (max-width:40rem){.filters .chips{flex-wrap:nowrap;overflow-x:auto;padding:6px;margin:0 -6px}
.filters .chips li{flex:0 0 auto}svg.chart .axis{font-size:16px}}
@media (max-width:30rem){h1{font-size:1.35rem}.card{padding:.6rem .7rem}svg.chart .axis{font-size:20px}}
@media (forced-colors:active){.chips a[aria-current=page]{background:SelectedItem;color:SelectedItemText}
svg.chart .bar,svg.chart .axis{fill:CanvasText}svg.chart .axis-line,.sparkline .spark-line{stroke:CanvasText}}
@media print{header.site nav,.skip,.filters,.pager{display:none}
header.site,main,footer.site{max-width:none;padding:0}
.card,ul.articles>li,#brief-sources li,#answers dd,tr,svg.chart{break-inside:avoid}
h1,h2,h3,dt,summary{break-after:avoid}
#brief-sources::details-content,#removed-claims::details-content{content-visibility:visible;display:block}
#brief-sources a[href]::after{content:" <" attr(href) ">";overflow-wrap:anywhere;font-size:.8em}
time[title]::after{content:" (" attr(title) ")"}
footer.site{margin-top:1rem;padding-bottom:0}}
"""

CSS_PATH = "/assets/site.css"
