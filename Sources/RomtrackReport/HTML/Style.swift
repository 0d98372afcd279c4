/// The pages' one inline style sheet: system fonts (nothing fetched), a readable measure on a laptop
/// screen, and a print layout that keeps cards and table rows whole and prints the colour keys.
enum Style {
  static let css = """
    :root{--ink:#1a1a1a;--muted:#555;--line:#d0d0d0;--soft:#f4f4f4;--blue:#0072B2;--warn:#D55E00}
    *{box-sizing:border-box}
    body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);margin:0;background:#fff}
    main{max-width:1120px;margin:0 auto;padding:20px 24px 40px}
    header.page{border-bottom:3px solid var(--ink);margin-bottom:16px;padding-bottom:8px}
    h1{font-size:1.6em;margin:0 0 4px}
    h2{font-size:1.2em;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:3px}
    h3{font-size:1em;margin:14px 0 6px}
    p{margin:6px 0}
    .muted,.legend,.note{color:var(--muted)}
    .note{font-size:.9em}
    a{color:var(--blue)}
    .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,170px),1fr));gap:10px}
    .card{border:1px solid var(--line);border-radius:6px;padding:8px 10px;background:#fff;min-width:0;overflow-wrap:anywhere}
    .card .label{font-size:.85em;color:var(--muted)}
    .card .big{font-size:1.7em;font-weight:650;line-height:1.2}
    .card .sub{font-size:.85em;color:var(--muted)}
    .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,440px),1fr));gap:18px 28px}
    .charts figure{min-width:0}
    .charts figure{margin:0}
    .charts figcaption{font-weight:600;font-size:.92em;margin-bottom:2px}
    .chart{width:100%;max-width:520px;height:auto;display:block}
    .chart .grid{stroke:#e3e3e3;stroke-width:1}
    .axis{font-size:10px;fill:#555}
    .value{font-size:10px;fill:#1a1a1a;font-weight:600}
    .legend{font-size:.85em;margin:2px 0 8px}
    .legend span{margin-right:12px;white-space:nowrap}
    .key{display:inline-block;width:11px;height:11px;border:1px solid #777;margin-right:4px;vertical-align:-1px;print-color-adjust:exact;-webkit-print-color-adjust:exact}
    .stack{margin:4px 0 10px}
    .bar{width:100%;max-width:560px;height:18px;display:block}
    table{border-collapse:collapse;width:100%;font-size:.9em;margin:6px 0 10px}
    th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
    th{background:var(--soft);font-weight:600}
    td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
    tr{break-inside:avoid}
    .tag{display:inline-block;border:1px solid #777;border-radius:3px;padding:0 5px;font-size:.8em;white-space:nowrap;print-color-adjust:exact;-webkit-print-color-adjust:exact}
    .tag.red{background:#D55E00;color:#fff;border-color:#D55E00}
    .tag.yellow{background:#F0E442;color:#1a1a1a}
    .tag.green{background:#009E73;color:#fff;border-color:#009E73}
    .tag.white{background:#fff;color:#1a1a1a}
    .tag.urgent{background:#1a1a1a;color:#fff;border-color:#1a1a1a}
    .client{border:1px solid var(--line);border-left:5px solid var(--ink);border-radius:6px;padding:8px 12px;margin:10px 0;break-inside:avoid}
    .client.u10,.client.u9,.client.u8,.client.u7,.client.u6{border-left-color:#D55E00}
    .client.u5,.client.u4{border-left-color:#E69F00}
    .client.u3,.client.u2,.client.u1{border-left-color:#0072B2}
    .client h3{margin:0 0 4px}
    .series{display:flex;flex-wrap:wrap;gap:6px 18px;align-items:flex-start;margin:6px 0}
    .series figure{margin:0;width:300px}
    .series figcaption{font-size:.8em;color:var(--muted)}
    .spark{width:240px;height:64px;display:block}
    .spark .frame{fill:#fafafa;stroke:#e0e0e0}
    .spark .band{fill:#56B4E9;opacity:.25}
    .spark .expected{fill:none;stroke:#0072B2;stroke-dasharray:3 2;stroke-width:1.2}
    .spark .cutoff{stroke:#777;stroke-dasharray:2 3;stroke-width:1}
    .spark .mark circle{fill:#fff;stroke:#1a1a1a;stroke-width:1.2}
    .spark .mark text{font-size:7px;font-weight:700;fill:#1a1a1a}
    .reasons{margin:4px 0 0 18px;padding:0}
    .reasons li{margin:2px 0}
    .explain dt{font-weight:600;margin-top:8px}
    .explain dd{margin:2px 0 0 0}
    nav.top{font-size:.9em;margin-bottom:6px}
    footer{margin-top:30px;border-top:1px solid var(--line);padding-top:8px;font-size:.85em;color:var(--muted)}
    @media screen and (max-width:700px){
      main{padding:12px 12px 32px}
      .legend span{white-space:normal}
      table.responsive thead{display:none}
      table.responsive,table.responsive tbody,table.responsive tr,table.responsive td{display:block;width:100%}
      table.responsive tr{border:1px solid var(--line);border-radius:6px;margin:0 0 8px;padding:4px 8px}
      table.responsive td{border:0;padding:2px 0;text-align:right;display:flex;gap:10px;justify-content:space-between}
      table.responsive td::before{content:attr(data-label);color:var(--muted);flex:0 0 42%;text-align:left}
    }
    @media screen and (max-width:900px){
      table.wide thead{display:none}
      table.wide,table.wide tbody,table.wide tr,table.wide td{display:block;width:100%}
      table.wide tr{border:1px solid var(--line);border-radius:6px;margin:0 0 8px;padding:4px 8px}
      table.wide td{border:0;padding:2px 0;text-align:right;display:flex;gap:10px;justify-content:space-between}
      table.wide td::before{content:attr(data-label);color:var(--muted);flex:0 0 42%;text-align:left}
    }
    @media print{
      body{font-size:11pt}
      main{max-width:none;padding:0}
      nav.top{display:none}
      a{color:inherit;text-decoration:none}
      h2{break-after:avoid}
      .card,.client,figure,.stack,svg{break-inside:avoid}
      .charts{grid-template-columns:repeat(2,minmax(0,1fr))}
      .cards{grid-template-columns:repeat(4,minmax(0,1fr))}
      table{font-size:.85em}
      @page{size:A4;margin:14mm 12mm}
    }
    """
}
