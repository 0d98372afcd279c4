/// The progress sheet's own style sheet: large type, black on white with greys, two columns on a
/// wide screen and on paper, one on a phone (390 px), and a print layout sized to one A4 page.
enum ClientSheetStyle {
  static let css = """
    *{box-sizing:border-box}
    body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1a1a1a;background:#fff;margin:0}
    main.sheet{max-width:860px;margin:0 auto;padding:18px 18px 28px}
    header{border-bottom:2px solid #1a1a1a;margin-bottom:8px;padding-bottom:6px}
    h1{font-size:1.55em;margin:0 0 2px}
    h2{font-size:1.15em;margin:14px 0 4px;border-bottom:1px solid #ccc;padding-bottom:2px}
    h3{font-size:1em;margin:0 0 2px}
    p{margin:3px 0}
    .who{color:#444;font-size:.9em}
    .who .id{white-space:nowrap;margin-left:6px}
    .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:10px 22px}
    .grid.goals{grid-template-columns:repeat(auto-fill,minmax(230px,1fr))}
    .block{break-inside:avoid}
    .pic{width:100%;max-width:340px;height:auto;display:block;margin:2px 0}
    .pic.small{max-width:240px}
    .pic .frame{fill:#fff;stroke:#bbb}
    .pic .usual{fill:#e4e4e4}
    .pic .edge{stroke:#777;stroke-dasharray:3 3}
    .pic .line{fill:none;stroke:#1a1a1a;stroke-width:1.6}
    .pic .dot{fill:#1a1a1a}
    .pic text{font-size:10px;fill:#333}
    .pic .value{font-weight:700;fill:#1a1a1a}
    .pic .better{font-size:10px;font-weight:700}
    .pic .dip{font-size:9px;font-weight:700}
    .key,.scores{font-size:.85em;color:#444}
    .change{font-weight:600}
    .invite{border:2px solid #1a1a1a;border-radius:6px;padding:6px 10px;align-self:start;font-weight:600}
    .notes .lines{height:36mm;border:1px solid #999;border-radius:6px;background:repeating-linear-gradient(#fff 0 9mm,#bbb 9mm calc(9mm + 1px));print-color-adjust:exact;-webkit-print-color-adjust:exact}
    footer{margin-top:8px;font-size:.85em;color:#444}
    @media (max-width:480px){
      body{font-size:15px}
      main.sheet{padding:12px 12px 20px}
      .grid,.grid.goals{grid-template-columns:1fr}
      .pic,.pic.small{max-width:none}
    }
    @media print{
      body{font-size:8.5pt;line-height:1.25}
      main.sheet{max-width:none;padding:0}
      header{margin-bottom:4px;padding-bottom:3px}
      h1{font-size:14pt}
      h2{font-size:10.5pt;margin:5px 0 2px;break-after:avoid}
      p{margin:1px 0}
      .grid{grid-template-columns:1fr 1fr;gap:2px 14px}
      .grid.goals{grid-template-columns:1fr 1fr 1fr}
      .pic{max-width:58mm}
      .pic.small{max-width:44mm}
      .key,.scores{font-size:7.5pt}
      .invite{padding:4px 8px}
      .notes .lines{height:24mm;background:repeating-linear-gradient(#fff 0 8mm,#bbb 8mm calc(8mm + 1px))}
      footer{margin-top:4px}
      @page{size:A4;margin:10mm 12mm}
    }
    """
}
