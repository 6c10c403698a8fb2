/** The report's only stylesheet, inlined: the file must open offline and never fetch anything. */
export const STYLES = `
:root { color-scheme: light; --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --pass: #15803d; --fail: #b91c1c; --warn: #b45309; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0; background: #f9fafb; }
main { max-width: 1280px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 20px 0 6px; }
p { margin: 4px 0; }
.muted, .note, .expr { color: var(--muted); }
.expr { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
.verdict { display: inline-block; font-weight: 700; letter-spacing: .05em; padding: 2px 10px; border-radius: 4px; color: #fff; }
.pass { color: var(--pass); font-weight: 700; } .fail { color: var(--fail); font-weight: 600; }
/* After .pass/.fail, which would otherwise paint the badge's text in its own background colour. */
.verdict.pass { background: var(--pass); color: #fff; } .verdict.fail { background: var(--fail); color: #fff; } .verdict.inconclusive, .verdict.interrupted { background: var(--warn); color: #fff; } .partial { color: var(--warn); font-weight: 600; }
ul.reasons { margin: 6px 0; color: var(--warn); }
.scroll { overflow-x: auto; margin: 6px 0; }
.scroll > table { margin: 0; }
table { border-collapse: collapse; width: 100%; background: #fff; margin: 6px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(580px, 100%), 1fr)); gap: 12px; }
figure.chart { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px; overflow-x: auto; }
/* Two charts a row from about 1,250 px. Narrower, a chart scrolls sideways rather than shrink
   its 11-unit labels (the SVG is 760 units wide) under 8 px. */
figure.chart svg { min-width: 560px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg { width: 100%; height: auto; display: block; }
svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
svg .row-label { fill: var(--fg); }
svg .grid { stroke: var(--line); } svg .axis { stroke: #9ca3af; }
svg .line { fill: none; stroke-width: 1.6; stroke-linejoin: round; }
svg .fault { fill: rgba(220, 38, 38, .10); stroke: rgba(220, 38, 38, .35); stroke-dasharray: 3 3; }
svg .fault-label { fill: #991b1b; font-weight: 600; }
.legend { font-size: 12px; color: var(--muted); margin-top: 2px; }
.key { margin-right: 12px; white-space: nowrap; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
dl.env { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; background: #fff; padding: 8px 12px; border: 1px solid var(--line); border-radius: 6px; }
dt { color: var(--muted); } dd { margin: 0; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; overflow-wrap: anywhere; }
.side-by-side { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
`;
