// The report of one sweep folder: the m*(T) chart and, per variant, the tables of the one table model
// (src/protocol/sweepTableModel.ts) that the results panel renders too.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SweepSummary, type VariantResult, summaryVariants } from '../protocol/sweepEvents';
import { FITS_NEED, type GridRow, variantTables } from '../protocol/sweepTableModel';
import { MODEL_WORDS, MODELS } from '../protocol/fitModels';
import { mstarLogY } from '../protocol/mstarAxis';
import { variantHex } from '../protocol/variantColours';
import { esc, page, scriptJson } from './reportPage';
import { accuracyGrid } from '../protocol/accuracyGrid';
import { accuracySvg } from '../protocol/accuracySvg';

/** The report is a light page: the heatmap's text and boundary in dark ink. */
const REPORT_COLOURS = { background: '#ffffff', foreground: '#111111', muted: '#555555', empty: '#dddddd' };

const gridRow = (r: GridRow) =>
  `<tr><th>${r.T}</th>${r.cells
    .map((c) =>
      c ? `<td class="${c.className}">${c.share} <small>${c.wilson[0]} %–${c.wilson[1]} %</small>${c.failed ? ` <small>(${esc(c.failed)})</small>` : ''}</td>` : '<td></td>',
    )
    .join('')}<td>${esc(r.mStar.text)}${r.mStar.note ? ` ${r.mStar.note}` : ''}</td><td>${r.interval}</td></tr>`;

function variantBlock(v: VariantResult, i: number): string {
  const t = variantTables(v);
  const fitRows = t.fits
    ? `<table><tr><th>model</th><th>fitted</th><th>R²</th><th>AICc</th><th>wins in bootstrap</th></tr>
${t.fits.map((f) => `<tr${f.best ? ' class="best"' : ''}><td>${f.name}${f.best ? ' (best)' : ''}</td><td>${esc(f.formula)}</td><td>${f.r2}</td><td>${f.aicc}</td><td>${f.wins}</td></tr>`).join('\n')}</table>
<p class="verdict">${esc(v.verdict ?? '')}</p>${v.nextStep ? `<p class="next-step">${esc(v.nextStep)}</p>` : ''}`
    : `<p>${FITS_NEED}</p>`;
  const grid = `<table><tr><th>T \\ m</th>${t.sizes.map((m) => `<th>${m}</th>`).join('')}<th>m*</th><th>interval</th></tr>
${t.rows.map(gridRow).join('\n')}</table>`;
  const heat = accuracyGrid(v, 'median');
  const heatmap = heat.cells.length
    ? `<h3>Median final test accuracy per cell (thick line: m*(T))</h3><div class="accuracy">${accuracySvg(heat, REPORT_COLOURS)}</div>`
    : '';
  return `<h2><span class="swatch" style="background:${variantHex(i)}"></span>${esc(t.label)}</h2><p><b>Protocol:</b> ${esc(t.protocol)}</p>${fitRows}
<h3>Successes per cell (seeds that succeeded, with 95 % Wilson intervals)</h3>${grid}${heatmap}`;
}

/** The sweep report renders what the sweep computed (src/core): cell status, m*, fits, curve, verdict. */
export function sweepReport(sweepDir: string): string {
  const raw = JSON.parse(readFileSync(path.join(sweepDir, 'summary.json'), 'utf8'));
  const parsed = SweepSummary.safeParse(raw);
  if (!parsed.success) throw new Error(`${sweepDir}/summary.json was written by an older version: run the sweep again to update it (finished runs are reused)`);
  const summary = parsed.data;
  const variants = summaryVariants(summary);
  const status = summary.reason ? `${esc(summary.status)}: ${esc(summary.reason)}` : esc(summary.status);
  const logY = mstarLogY(variants);
  const body = `<h1>Sweep ${esc(summary.name)}: m*(T)</h1>
<p>Status: ${status}. ${summary.runsExecuted} runs trained, ${summary.runsReused} reused, ${summary.runsFailed} failed; ${summary.wallSeconds} s.</p>
<div class="chart"><canvas id="mstar"></canvas></div>
<p>Filled dots: m* with its bracket (largest failing size below it). Hollow triangles: censored (no size passed; m* is above). Solid line: the best fit; dashed: the other two fits.${logY ? ' The y axis is logarithmic: the variants\' m* differ by more than 5×.' : ''}</p>
${variants.map((v, i) => variantBlock(v, i)).join('\n')}`;
  // Points only: the chart draws what the sweep computed and evaluates no formula.
  const data = variants.map((v, i) => ({
    label: v.label,
    found: v.points.filter((p) => p.status === 'found').map((p) => ({ x: p.T, y: p.mStar, lo: p.interval[0], hi: p.interval[1] })),
    censored: v.points.filter((p) => p.status === 'censored').map((p) => ({ x: p.T, y: p.interval[0] })),
    // All three fits when the summary has them (older summaries: the best one only).
    fits: v.curves
      ? MODELS.map((m) => ({ model: MODEL_WORDS[m], best: m === v.best, data: v.curves![m].map((p) => ({ x: p.T, y: p.m })) }))
      : v.best ? [{ model: MODEL_WORDS[v.best], best: true, data: v.curve.map((p) => ({ x: p.T, y: p.m })) }] : [],
    colour: variantHex(i),
  }));
  const script = `const V=${scriptJson(data)};
const ds=[];V.forEach((v)=>{const c=v.colour;
ds.push({type:'scatter',label:v.label+' m*',data:v.found,borderColor:c,backgroundColor:c,pointRadius:5});
v.found.forEach(p=>{if(p.lo!==null)ds.push({type:'line',data:[{x:p.x,y:p.lo},{x:p.x,y:p.hi}],borderColor:c,pointRadius:0,label:'',borderWidth:1});});
if(v.censored.length)ds.push({type:'scatter',label:v.label+' censored (m* above)',data:v.censored,borderColor:c,backgroundColor:'transparent',pointStyle:'triangle',pointRadius:7,borderWidth:2});
v.fits.forEach(f=>ds.push({type:'line',label:v.label+' fit: '+f.model+(f.best?' (best)':''),data:f.data,borderColor:c,borderDash:f.best?[]:[6,4],borderWidth:f.best?2:1,pointRadius:0}));});
new Chart(document.getElementById('mstar'),{data:{datasets:ds},options:{maintainAspectRatio:false,animation:false,
plugins:{legend:{labels:{filter:i=>i.text!==''}}},scales:{x:{type:'logarithmic',title:{display:true,text:'context length T (log scale)'}},
y:${logY ? "{type:'logarithmic',title:{display:true,text:'m* (samples needed, log scale)'}}" : "{title:{display:true,text:'m* (samples needed)'},min:0}"}}}});`;
  return page(`Sweep ${summary.name}`, body, script);
}
