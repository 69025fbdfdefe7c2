//! The page's stylesheet: for the screen, and `@media print` for paper and PDF.

pub const CSS: &str = r#"
:root{--ink:#1d2733;--muted:#5b6b7c;--line:#d9e0e7;--bg:#f6f8fa;--critical:#b3261e;--high:#d9730d;--medium:#c9a227;--low:#5b8def;--accent:#1f5f8b}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 -apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;color:var(--ink);background:#fff}
header{background:var(--ink);color:#fff;padding:28px 40px}header h1{margin:0 0 4px;font-size:26px}header p{margin:0;color:#c5d1dd}
nav{position:sticky;top:0;background:#fff;border-bottom:1px solid var(--line);padding:8px 40px;z-index:5;font-size:14px}nav a{margin-right:16px;color:var(--accent);text-decoration:none}
main{padding:8px 40px 60px;max-width:1280px}section{margin-top:36px}h2{font-size:21px;border-bottom:2px solid var(--ink);padding-bottom:4px}h3{font-size:17px;margin:22px 0 8px}
.cards{display:flex;gap:14px;flex-wrap:wrap;margin:18px 0}.card{background:var(--bg);border:1px solid var(--line);border-radius:8px;padding:12px 18px;min-width:150px}.card b{display:block;font-size:26px}.card span{color:var(--muted);font-size:13px}
ol.heads li{margin:6px 0}.sev{display:inline-block;min-width:64px;text-align:center;border-radius:4px;padding:0 6px;font-size:12px;font-weight:600;color:#fff;text-transform:uppercase}
.sev-critical{background:var(--critical)}.sev-high{background:var(--high)}.sev-medium{background:var(--medium)}.sev-low{background:var(--low)}
table{border-collapse:collapse;width:100%;font-size:13.5px}th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}th{background:var(--bg);position:sticky;top:0}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{max-height:520px;overflow:auto;border:1px solid var(--line);border-radius:6px}
.chart{margin:14px 0;border:1px solid var(--line);border-radius:8px;padding:8px;background:#fff;overflow-x:auto}.chart svg{max-width:100%;height:auto}
.path{font-family:"DejaVu Sans Mono",Menlo,monospace;font-size:12.5px;color:var(--muted)}.muted{color:var(--muted)}
details{margin:8px 0}summary{cursor:pointer;color:var(--accent)}.product{border-left:4px solid var(--accent);padding-left:16px}
p.note{background:#fff8e1;border-left:4px solid var(--medium);padding:6px 12px}input#filter{padding:6px 10px;width:320px;border:1px solid var(--line);border-radius:6px;margin:6px 0}
dl.method dt{font-weight:600;margin-top:10px}dl.method dd{margin:2px 0 0 0;color:#2c3a48}
.assumptions{background:#eef4f9;border-left:4px solid var(--accent);padding:2px 16px;margin:12px 0}.assumptions h3{margin-top:10px}
ul.caveats li,.assumptions li{margin:4px 0}table.lists{width:auto}ol.sources{font-size:13px;color:#2c3a48}
@media print{
@page{size:A4;margin:14mm 12mm}
body{font-size:10.5pt}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
nav,input#filter{display:none}details>summary{list-style:none}
header{background:none;color:var(--ink);padding:0 0 6px;border-bottom:2px solid var(--ink)}header p{color:var(--muted)}
main{padding:0;max-width:none}section{margin-top:0;break-before:page}section#context{break-before:auto}
h2,h3{break-after:avoid}li,.card,tr,figure{break-inside:avoid}
.scroll{max-height:none;overflow:visible;border:0;border-radius:0}
table{font-size:8.5pt;width:100%}th{position:static}thead{display:table-header-group}
th,td{overflow-wrap:break-word;padding:3px 5px}td.path{overflow-wrap:anywhere;min-width:11em}.path{font-size:8pt}td.num{white-space:nowrap}
#all-findings tbody tr{display:table-row!important}
table.findings,#all-findings{table-layout:fixed}table.findings th:nth-child(1){width:10%}table.findings th:nth-child(2){width:9%}table.findings th:nth-child(3){width:15%}table.findings th:nth-child(4){width:8%}table.findings th:nth-child(5){width:33%}table.findings th:nth-child(6){width:25%}
table.with-product th:nth-child(1){width:10%}table.with-product th:nth-child(2){width:7%}table.with-product th:nth-child(3){width:13%}table.with-product th:nth-child(4){width:13%}table.with-product th:nth-child(5){width:8%}table.with-product th:nth-child(6){width:27%}table.with-product th:nth-child(7){width:22%}
#all-findings th:nth-child(1){width:9%}#all-findings th:nth-child(2){width:9%}#all-findings th:nth-child(3){width:7%}#all-findings th:nth-child(4){width:12%}#all-findings th:nth-child(5){width:12%}#all-findings th:nth-child(6){width:9%}#all-findings th:nth-child(7){width:26%}#all-findings th:nth-child(8){width:16%}
.chart{border:0;padding:0;overflow:visible}.chart svg{width:100%;max-width:100%;height:auto}
#summary .chart{break-before:page}
#summary{font-size:9pt;line-height:1.3}#summary h2{margin:0 0 6px}#summary h3{font-size:11pt;margin:10px 0 3px}#summary p.muted{margin:2px 0}#summary ol,#summary ul{margin:2px 0}#summary li{margin:2px 0}
#summary .cards{flex-wrap:nowrap;gap:6px;margin:6px 0}#summary .card{min-width:0;flex:1;padding:4px 8px}#summary .card b{font-size:15pt}#summary .card span{font-size:7.5pt;line-height:1.2;display:block}#summary .path{font-size:7pt}
details::details-content{content-visibility:visible;display:block}details>summary{color:var(--ink);font-weight:600}
a{color:inherit;text-decoration:none}
}
"#;
