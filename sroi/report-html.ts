/**
 * The SROI report as one self-contained HTML file: impact map, year-by-year
 * table, headline ratio with its sensitivity range, tornado chart and Monte
 * Carlo histogram as inline SVG. No scripts, no external requests (fonts,
 * styles and charts are all inline), so it reads the same opened from a
 * disk, attached to an email, or printed. Every chart has a table with the
 * same figures for screen-reader users and for copying.
 */
import type { SensitivityFigures, SroiResult } from './analysis.js';
import { formatIn } from './analysis.js';
import { GREEN_BOOK_WELLBY } from './model.js';

export function sroiReportHtml(result: SroiResult): string {
  const { model, totals, headline, payback } = result;
  const title = `SROI: ${model.title}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
<h1>${esc(title)}</h1>
<p class="meta">Model <code>${esc(model.id)}</code> version ${esc(model.version)}${model.study ? `, study <code>${esc(model.study)}</code>` : ''}. ${datasetCitation(result)}</p>
${model.description ? `<p>${esc(model.description)}</p>` : ''}
</header>
${result.dataset?.synthetic ? '<p class="synthetic" role="note"><strong>Synthetic data.</strong> This analysis ran on a generated demo cohort: its figures illustrate the method and say nothing about the programme.</p>' : ''}

<section aria-labelledby="headline">
<h2 id="headline">Headline</h2>
<p class="ratio">SROI ratio <strong>${ratio(headline.ratio)} : £1</strong></p>
<p>Every £1 invested creates ${ratio(headline.ratio)} of social value in present-value terms.
Monte Carlo 90% range ${ratio(headline.monteCarloP5)} to ${ratio(headline.monteCarloP95)} per £1 (5th to 95th percentile);
one assumption at a time, ${ratio(headline.oneWayLowest)} to ${ratio(headline.oneWayHighest)}.</p>
<table class="figures">
<caption>Totals (${result.settings.priceYear} prices)</caption>
<tbody>
<tr><th scope="row">Total present value (PV)</th><td>${pounds(totals.presentValue)}</td></tr>
<tr><th scope="row">Investment (year 0)</th><td>${pounds(totals.investment)}</td></tr>
<tr><th scope="row">Net present value (PV − investment)</th><td>${pounds(totals.netPresentValue)}</td></tr>
<tr><th scope="row">SROI ratio (PV ÷ investment)</th><td>${ratio(totals.ratio)} : £1</td></tr>
<tr><th scope="row">Net SROI ratio (NPV ÷ investment)</th><td>${ratio(totals.netRatio)} : £1</td></tr>
<tr><th scope="row">Value in year 1 (undiscounted)</th><td>${pounds(payback.firstYearValue)}</td></tr>
<tr><th scope="row">Simple payback: investment ÷ (value in year 1 ÷ 12)</th><td>${esc(payback.inWords.simple)}</td></tr>
<tr><th scope="row">Cumulative payback, undiscounted</th><td>${esc(payback.inWords.cumulative)}</td></tr>
<tr><th scope="row">Cumulative payback, discounted</th><td>${esc(payback.inWords.discountedCumulative)}</td></tr>
</tbody>
</table>
</section>

${
  result.warnings.length > 0
    ? `<section aria-labelledby="warnings" class="warnings">
<h2 id="warnings">Check before use</h2>
<ul>${result.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>
</section>`
    : ''
}

<section aria-labelledby="scope">
<h2 id="scope">Stakeholders and inputs</h2>
<table>
<caption>Stakeholders</caption>
<thead><tr><th scope="col">Stakeholder</th><th scope="col">Description</th></tr></thead>
<tbody>${result.stakeholders.map((s) => `<tr><th scope="row">${esc(s.name)}</th><td>${esc(s.description ?? '')}</td></tr>`).join('')}</tbody>
</table>
<table>
<caption>Inputs (the investment, at year 0)</caption>
<thead><tr><th scope="col">Input</th><th scope="col">Source</th><th scope="col" class="num">Value</th><th scope="col" class="num">Price year</th><th scope="col" class="num">Uprating factor</th><th scope="col" class="num">In ${result.settings.priceYear} prices</th></tr></thead>
<tbody>${result.inputs
    .map((i) => `<tr><th scope="row">${esc(i.description)}</th><td>${esc(i.source ?? '')}</td><td class="num">${pounds(i.value)}</td><td class="num">${i.priceYear}</td><td class="num">${factor(i.upratingFactor)}</td><td class="num">${pounds(i.valueInAnalysisPrices)}</td></tr>`)
    .join('')}</tbody>
<tfoot><tr><th scope="row" colspan="5">Total investment</th><td class="num">${pounds(totals.investment)}</td></tr></tfoot>
</table>
</section>

<section aria-labelledby="impact-map">
<h2 id="impact-map">Impact map</h2>
<div class="wide" role="region" tabindex="0" aria-label="Impact map table (scrolls sideways)">
<table>
<thead><tr>
<th scope="col">Stakeholder</th><th scope="col">Outcome</th><th scope="col">Indicator</th><th scope="col" class="num">Quantity</th>
<th scope="col">Financial proxy</th><th scope="col" class="num">Proxy in ${result.settings.priceYear} prices</th>
<th scope="col" class="num">Dead&shy;weight</th><th scope="col" class="num">Displace&shy;ment</th><th scope="col" class="num">Attri&shy;bution</th><th scope="col" class="num">Drop-off</th>
<th scope="col" class="num">Start year</th><th scope="col" class="num">Duration</th><th scope="col" class="num">Impact</th><th scope="col" class="num">Present value</th>
</tr></thead>
<tbody>${result.outcomes.map(impactRow).join('\n')}</tbody>
<tfoot><tr><th scope="row" colspan="12">Total</th><td class="num">${pounds(totals.totalImpact)}</td><td class="num">${pounds(totals.presentValue)}</td></tr></tfoot>
</table>
</div>
</section>

<section aria-labelledby="years">
<h2 id="years">Year by year</h2>
<p>Undiscounted value of each outcome in each year, then the discounting: year <var>t</var> is divided by (1 + ${result.settings.discountRatePercent}%)<sup><var>t</var></sup>.</p>
<div class="wide" role="region" tabindex="0" aria-label="Year-by-year table (scrolls sideways)">
<table>
<thead><tr><th scope="col">Outcome</th>${result.years.map((y) => `<th scope="col" class="num">Year ${y.year}</th>`).join('')}</tr></thead>
<tbody>
${result.outcomes.map((o) => `<tr><th scope="row">${esc(o.id)}</th>${o.values.map((v) => `<td class="num">${pounds(v)}</td>`).join('')}</tr>`).join('\n')}
</tbody>
<tfoot>
<tr><th scope="row">Total value</th>${result.years.map((y) => `<td class="num">${pounds(y.value)}</td>`).join('')}</tr>
<tr><th scope="row">Discount factor</th>${result.years.map((y) => `<td class="num">${y.discountFactor.toFixed(6)}</td>`).join('')}</tr>
<tr><th scope="row">Present value</th>${result.years.map((y) => `<td class="num">${pounds(y.presentValue)}</td>`).join('')}</tr>
<tr><th scope="row">Cumulative present value</th>${result.years.map((y) => `<td class="num">${pounds(y.cumulativePresentValue)}</td>`).join('')}</tr>
</tfoot>
</table>
</div>
</section>

<section aria-labelledby="sensitivity">
<h2 id="sensitivity">Sensitivity</h2>
<p>Each assumption varied on its own over its range, the others at their central values. The switching value is the value within that range at which the ratio would fall to 1:1; "none in range" where no value in the range gets there, with where the ratio would be 1:1 if that lies outside the range.</p>
${tornadoSvg(result)}
<div class="wide" role="region" tabindex="0" aria-label="Sensitivity table (scrolls sideways)">
<table>
<caption>One assumption at a time (widest swing first)</caption>
<thead><tr><th scope="col">Assumption</th><th scope="col" class="num">Central</th><th scope="col" class="num">Low</th><th scope="col" class="num">High</th><th scope="col" class="num">Ratio at low</th><th scope="col" class="num">Ratio at high</th><th scope="col">Switching value</th></tr></thead>
<tbody>${result.sensitivity.map(sensitivityRow).join('\n')}</tbody>
</table>
</div>
</section>

<section aria-labelledby="monte-carlo">
<h2 id="monte-carlo">Monte Carlo</h2>
<p>${result.monteCarlo.iterations.toLocaleString('en-GB')} draws (seed ${result.monteCarlo.seed}), every assumption above drawn at once, independently, from a triangular distribution over its range with its central value most likely.
${pct(result.monteCarlo.shareBelowOne * 100)} of draws give a ratio below 1:1.</p>
${histogramSvg(result)}
<table class="figures">
<caption>Distribution of the SROI ratio (£ per £1)</caption>
<tbody>
<tr><th scope="row">Mean (standard deviation)</th><td>${ratio(result.monteCarlo.mean)} (${result.monteCarlo.standardDeviation.toFixed(2)})</td></tr>
${(['p5', 'p10', 'p25', 'p50', 'p75', 'p90', 'p95'] as const).map((p) => `<tr><th scope="row">${p.slice(1)}th percentile${p === 'p50' ? ' (median)' : ''}</th><td>${ratio(result.monteCarlo.percentiles[p])}</td></tr>`).join('\n')}
<tr><th scope="row">Lowest, highest</th><td>${ratio(result.monteCarlo.min)}, ${ratio(result.monteCarlo.max)}</td></tr>
</tbody>
</table>
</section>

<section aria-labelledby="method">
<h2 id="method">Method</h2>
<p>Following the SROI Network / Social Value UK value map (Cabinet Office, <cite>A guide to Social Return on Investment</cite>, 2012).</p>
<ul>
<li>Impact = quantity × financial proxy × (1 − deadweight) × (1 − displacement) × (1 − attribution).</li>
<li>Start year 1 is during the activity, 2 the year after. Value in year s + k = impact × (1 − drop-off)<sup>k</sup> for k = 0 … duration − 1; nothing outside those years or after year ${result.settings.analysisPeriodYears}.</li>
<li>Present value = Σ value<sub>t</sub> ÷ (1 + r)<sup>t</sup>, year 1 discounted once, r = ${result.settings.discountRatePercent}% (HM Treasury Green Book). The investment sits at year 0, undiscounted.</li>
<li>Simple payback = investment ÷ (value in year 1 ÷ 12), the value in year 1 being every outcome's value in the first year of the analysis, undiscounted (an outcome starting later adds nothing to it). Cumulative payback: when the running total of yearly values (or of present values) first reaches the investment, that year's value taken as accruing evenly.</li>
<li>Proxies and inputs in other price years are uprated: value × index[${result.settings.priceYear}] ÷ index[price year]${result.settings.priceIndex ? ` (index: ${esc(result.settings.priceIndex.source)})` : ''}.</li>
<li>Figures are computed exactly and rounded only for display, money to the penny.</li>
<li>WELLBY: ${esc(GREEN_BOOK_WELLBY.source)}</li>
</ul>
</section>
</main>
</body>
</html>
`;
}

function datasetCitation(result: SroiResult): string {
  const d = result.dataset;
  if (!d) return 'No dataset: every quantity was entered by hand.';
  const versions = d.instrumentVersions.map((v) => `${esc(v.instrument)} ${esc(v.version)} at ${esc(v.waveId)}`).join('; ');
  return `Indicators computed from dataset export <code>${esc(d.exportId)}</code> of study <code>${esc(d.studyId)}</code>, exported ${esc(d.exportedAt)}${versions ? ` (instruments: ${versions})` : ''}.`;
}

function impactRow(o: SroiResult['outcomes'][number]): string {
  const i = o.indicator;
  const counted =
    i.respondents === null
      ? ''
      : i.kind === 'wellby'
        ? ` <span class="small">(net ${num(i.count)} points over ${i.respondents} respondents)</span>`
        : ` <span class="small">(${num(i.count)} of ${i.respondents} respondents)</span>`;
  const scaled = i.scaling ? ` <span class="small">scaled to a cohort of ${i.scaling.cohortSize} (${esc(i.scaling.source)})</span>` : '';
  return `<tr><td>${esc(o.stakeholderName)}</td><th scope="row">${esc(o.description)} <span class="small">(${esc(o.id)})</span></th><td class="text">${esc(i.text)}${counted}${scaled}</td><td class="num">${num(o.quantity)}</td>
<td class="text">${pounds(o.proxy.value)} (${o.proxy.priceYear} prices)${o.proxy.description ? `: ${esc(o.proxy.description)}` : ''} <span class="small">${o.proxy.kind === 'wellby' ? 'HM Treasury Green Book WELLBY (2021): see Method' : esc(o.proxy.source)}</span></td><td class="num">${pounds(o.proxy.valueInAnalysisPrices)}</td>
<td class="num">${pct(o.deadweightPercent)}</td><td class="num">${pct(o.displacementPercent)}</td><td class="num">${pct(o.attributionPercent)}</td><td class="num">${pct(o.dropOffPercent)}</td>
<td class="num">${o.startYear}</td><td class="num">${o.durationYears}</td><td class="num">${pounds(o.impact)}</td><td class="num">${pounds(o.presentValue)}</td></tr>`;
}

function sensitivityRow(s: SensitivityFigures): string {
  return `<tr><th scope="row">${esc(s.label)}</th><td class="num">${formatIn(s.unit, s.central)}</td><td class="num">${formatIn(s.unit, s.low)}</td><td class="num">${formatIn(s.unit, s.high)}</td><td class="num">${ratio(s.ratioAtLow)}</td><td class="num">${ratio(s.ratioAtHigh)}</td><td>${esc(s.switching)}</td></tr>`;
}

// ---- charts ------------------------------------------------------------------------------------

const TORNADO_BARS = 15;

function tornadoSvg(result: SroiResult): string {
  // Assumptions that do not move the ratio (e.g. an outcome valued at £0) have no bar to show: the table lists them.
  const rows = result.sensitivity.filter((r) => Math.abs(r.ratioAtHigh - r.ratioAtLow) > 1e-6).slice(0, TORNADO_BARS);
  if (rows.length === 0) return '<p>No assumption moves the ratio over its range, so there is no tornado chart.</p>';
  const central = result.totals.ratio;
  const values = [1, central, ...rows.flatMap((r) => [r.ratioAtLow, r.ratioAtHigh])];
  const [min, max] = paddedExtent(values);
  const labelWidth = 260;
  const plotWidth = 440;
  const rowHeight = 24;
  const top = 28;
  const height = top + rows.length * rowHeight + 36;
  const x = (v: number) => labelWidth + ((v - min) / (max - min)) * plotWidth;
  const bars = rows
    .map((r, i) => {
      const y = top + i * rowHeight;
      const low = Math.min(r.ratioAtLow, r.ratioAtHigh);
      const high = Math.max(r.ratioAtLow, r.ratioAtHigh);
      // Darker where the assumption's low end takes the ratio, lighter where its high end does.
      const lowEnd = x(r.ratioAtLow);
      const highEnd = x(r.ratioAtHigh);
      return `<g><title>${esc(r.label)}: ${ratio(low)} to ${ratio(high)}</title>
<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end">${esc(truncate(r.label, 38))}</text>
<rect x="${f(Math.min(lowEnd, x(central)))}" y="${y + 4}" width="${f(Math.abs(x(central) - lowEnd))}" height="16" class="bar-low"/>
<rect x="${f(Math.min(highEnd, x(central)))}" y="${y + 4}" width="${f(Math.abs(highEnd - x(central)))}" height="16" class="bar-high"/></g>`;
    })
    .join('\n');
  const bottom = top + rows.length * rowHeight;
  return `<figure>
<svg viewBox="0 0 ${labelWidth + plotWidth + 40} ${height}" width="100%" role="img" aria-labelledby="tornado-title tornado-desc" class="chart">
<title id="tornado-title">Tornado chart of the SROI ratio</title>
<desc id="tornado-desc">For each assumption, the ratio at the low end of its range (dark bar) and the high end (light bar), around the central ratio ${ratio(central)}; the dashed line is 1:1. The table below gives the same figures.</desc>
${axis(min, max, x, bottom)}
<line x1="${f(x(central))}" y1="${top - 6}" x2="${f(x(central))}" y2="${bottom}" class="central"/>
<text x="${f(x(central))}" y="${top - 10}" text-anchor="middle">central ${ratio(central)}</text>
${min <= 1 && max >= 1 ? `<line x1="${f(x(1))}" y1="${top - 6}" x2="${f(x(1))}" y2="${bottom}" class="break-even"/>` : ''}
${bars}
</svg>
<figcaption>Tornado: the ${rows.length} assumptions that move the ratio most. Dark: the assumption at the low end of its range; light: at the high end.</figcaption>
</figure>`;
}

function histogramSvg(result: SroiResult): string {
  const { histogram, percentiles } = result.monteCarlo;
  const min = histogram[0]!.from;
  const max = histogram[histogram.length - 1]!.to;
  const [lo, hi] = paddedExtent([min, max, 1, result.totals.ratio]);
  const left = 50;
  const width = 640;
  const top = 24;
  const plotHeight = 180;
  const x = (v: number) => left + ((v - lo) / (hi - lo)) * width;
  const tallest = Math.max(...histogram.map((b) => b.count), 1);
  const bars = histogram
    .map((b) => {
      const h = (b.count / tallest) * plotHeight;
      const x0 = x(b.from);
      const w = Math.max(1, x(b.to) - x0 - 1);
      return `<rect x="${f(x0)}" y="${f(top + plotHeight - h)}" width="${f(w)}" height="${f(h)}" class="${b.to <= 1 ? 'bar-below' : 'bar-high'}"><title>${ratio(b.from)} to ${ratio(b.to)}: ${b.count} draws</title></rect>`;
    })
    .join('\n');
  const bottom = top + plotHeight;
  return `<figure>
<svg viewBox="0 0 ${left + width + 30} ${bottom + 40}" width="100%" role="img" aria-labelledby="histogram-title histogram-desc" class="chart">
<title id="histogram-title">Histogram of the SROI ratio over ${result.monteCarlo.iterations} Monte Carlo draws</title>
<desc id="histogram-desc">Draws per ratio band, from ${ratio(min)} to ${ratio(max)}; median ${ratio(percentiles.p50)}, 90% of draws between ${ratio(percentiles.p5)} and ${ratio(percentiles.p95)}. The dashed line is 1:1. The table below gives the percentiles.</desc>
${axis(lo, hi, x, bottom)}
${bars}
${lo <= 1 && hi >= 1 ? `<line x1="${f(x(1))}" y1="${top}" x2="${f(x(1))}" y2="${bottom}" class="break-even"/>` : ''}
<line x1="${f(x(percentiles.p5))}" y1="${top}" x2="${f(x(percentiles.p5))}" y2="${bottom}" class="percentile"/>
<line x1="${f(x(percentiles.p95))}" y1="${top}" x2="${f(x(percentiles.p95))}" y2="${bottom}" class="percentile"/>
<text x="${f(x(percentiles.p5))}" y="${top - 6}" text-anchor="middle">5th</text>
<text x="${f(x(percentiles.p95))}" y="${top - 6}" text-anchor="middle">95th</text>
</svg>
<figcaption>Monte Carlo distribution of the SROI ratio; dotted lines at the 5th and 95th percentiles${lo <= 1 && hi >= 1 ? ', dashed line at 1:1' : ''}.</figcaption>
</figure>`;
}

/** A horizontal axis with about six round ticks, labelled as £ per £1. */
function axis(min: number, max: number, x: (v: number) => number, y: number): string {
  const step = niceStep((max - min) / 6);
  const ticks: string[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step) {
    ticks.push(`<line x1="${f(x(v))}" y1="${y}" x2="${f(x(v))}" y2="${y + 5}" class="axis"/><text x="${f(x(v))}" y="${y + 18}" text-anchor="middle">£${trimZeros(v)}</text>`);
  }
  return `<line x1="${f(x(min))}" y1="${y}" x2="${f(x(max))}" y2="${y}" class="axis"/>\n${ticks.join('\n')}`;
}

function niceStep(rough: number): number {
  if (!(rough > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  const scaled = rough / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

function paddedExtent(values: number[]): [number, number] {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const pad = (max - min) * 0.05 || 0.5;
  return [min - pad, max + pad];
}

// ---- formatting --------------------------------------------------------------------------------

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function pounds(value: number): string {
  const text = `£${Math.abs(value).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  return value < 0 ? `−${text}` : text;
}

function ratio(value: number): string {
  return value < 0 ? `−£${Math.abs(value).toFixed(2)}` : `£${value.toFixed(2)}`;
}

function pct(value: number): string {
  return `${trimZeros(Number(value.toFixed(2)))}%`;
}

function num(value: number): string {
  return value.toLocaleString('en-GB', { maximumFractionDigits: 2 });
}

function factor(value: number): string {
  return value === 1 ? '1' : value.toFixed(6);
}

function trimZeros(value: number): string {
  return String(Number(value.toFixed(6)));
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

function f(value: number): string {
  return value.toFixed(1);
}

const STYLE = `
:root { color-scheme: light; --ink: #1b1b1b; --muted: #505a5f; --rule: #b1b4b6; --accent: #1d70b8; --accent-light: #9cc3e6; --warn: #ffdd00; --below: #d4351c; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.8rem; margin: 0 0 .5rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 .75rem; border-bottom: 2px solid var(--rule); padding-bottom: .25rem; }
.meta, .small { color: var(--muted); font-size: .875rem; }
.small { display: block; }
.ratio { font-size: 1.6rem; margin: .25rem 0; }
.synthetic { background: var(--warn); padding: .75rem 1rem; font-size: 1.1rem; }
.warnings { border-left: 6px solid var(--warn); padding-left: 1rem; }
table { border-collapse: collapse; margin: .75rem 0 1.25rem; font-size: .875rem; }
caption { text-align: left; font-weight: 600; padding-bottom: .25rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .35rem .5rem; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); }
tfoot th, tfoot td { border-top: 2px solid var(--ink); font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.figures td { text-align: right; font-variant-numeric: tabular-nums; }
.wide { overflow-x: auto; }
td.text { min-width: 16rem; }
figure { margin: 1rem 0; }
figcaption { color: var(--muted); font-size: .875rem; }
.chart { max-width: 48rem; font-size: 12px; }
.chart text { fill: var(--ink); }
.axis { stroke: var(--ink); }
.central { stroke: var(--ink); stroke-width: 1.5; }
.break-even { stroke: var(--below); stroke-dasharray: 5 3; stroke-width: 1.5; }
.percentile { stroke: var(--ink); stroke-dasharray: 1 3; }
.bar-low { fill: var(--accent); }
.bar-high { fill: var(--accent-light); }
.bar-below { fill: var(--below); }
code { font-size: .9em; }
@media print {
  main { max-width: none; padding: 0; }
  .wide { overflow: visible; }
  table { font-size: 9pt; page-break-inside: auto; }
  tr { page-break-inside: avoid; }
  h2 { page-break-after: avoid; }
  figure { page-break-inside: avoid; }
  .synthetic, .warnings { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;
