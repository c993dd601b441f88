// `sparse-attention report <runDir|sweepDir> --html FILE`: one self-contained HTML file (data, Chart.js
// and the drawing code inline) that opens in any browser without the editor or a network.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { MODEL_NAMES, fitFormula } from '../core/sweep/fitCurve';
import { mStarText } from '../core/sweep/sweepText';
import type { AttentionEvent, MetricsEvent, StartedEvent } from '../protocol/runEvents';
import { type SweepPoint, SweepSummary, type VariantResult, summaryVariants } from '../protocol/sweepEvents';
import { readEvents, readSummary } from '../store/runFolder';

/** Chart.js's UMD build: copied next to the bundle by the build, else from node_modules. */
function chartJsSource(): string {
  const bundled = path.join(__dirname, 'vendor', 'chart.umd.min.js');
  if (existsSync(bundled)) return readFileSync(bundled, 'utf8');
  const main = createRequire(__filename).resolve('chart.js');
  return readFileSync(path.join(path.dirname(main), 'chart.umd.min.js'), 'utf8');
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
/** JSON that is safe inside a <script> element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
const num = (v: number | null | undefined, d = 3) => (v === null || v === undefined ? '–' : v.toFixed(d));

const STYLE = `body{font:14px system-ui,sans-serif;margin:2rem auto;max-width:1000px;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:right}
th{background:#f3f3f3}.chart{height:340px;margin:1rem 0}.verdict{font-weight:600}.ok{background:#d9f2d9}.bad{background:#f6dada}.incomplete{background:#f6eec0}tr.best td{font-weight:600}small{color:#666}
code{background:#f3f3f3;padding:0 .2rem}`;

function page(title: string, body: string, script: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head>
<body>${body}<script>${chartJsSource()}</script><script>${script}</script></body></html>\n`;
}

export function runReport(runDir: string): string {
  const events = readEvents(runDir);
  const summary = readSummary(runDir);
  const started = events.find((e): e is StartedEvent => e.type === 'started');
  const metrics = events.filter((e): e is MetricsEvent => e.type === 'metrics');
  const lastAttention = events.filter((e): e is AttentionEvent => e.type === 'attention').pop();
  const spec = started?.spec ?? JSON.parse(readFileSync(path.join(runDir, 'experiment.json'), 'utf8'));
  const rows: [string, string][] = [
    ['status', summary?.status ?? 'unfinished (no summary.json)'],
    ['steps', String(summary?.steps ?? metrics.at(-1)?.step ?? 0)],
    ['test accuracy', num(summary?.testAccuracy ?? metrics.at(-1)?.testAccuracy)],
    ['train accuracy', num(summary?.trainAccuracy ?? metrics.at(-1)?.trainAccuracy)],
    ['attention on relevant (best head)', num(summary?.attentionOnRelevant ?? metrics.at(-1)?.attentionOnRelevant)],
    ['relevant positions', started ? started.relevant.join(', ') : '–'],
    ['backend', summary?.backend ?? started?.backend ?? '–'],
    ['wall time', summary ? `${summary.wallSeconds} s` : '–'],
  ];
  const body = `<h1>Run ${esc(path.basename(runDir))}</h1>
<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>
<h2>Learning curves</h2><div class="chart"><canvas id="curves"></canvas></div>
<h2>[CLS] attention at step ${lastAttention?.step ?? '–'} (layer 1; relevant positions in red)</h2><div class="chart"><canvas id="cls"></canvas></div>
<h2>Experiment</h2><pre><code>${esc(JSON.stringify(spec, null, 2))}</code></pre>`;
  const data = {
    steps: metrics.map((m) => m.step),
    loss: metrics.map((m) => m.loss),
    train: metrics.map((m) => m.trainAccuracy),
    test: metrics.map((m) => m.testAccuracy),
    attn: metrics.map((m) => m.attentionOnRelevant),
    cls: lastAttention?.layers[0]?.heads.map((h) => h.cls.slice(1)) ?? [],
    relevant: lastAttention?.relevant ?? [],
  };
  const script = `const D=${scriptJson(data)};
new Chart(document.getElementById('curves'),{type:'line',data:{labels:D.steps,datasets:[
{label:'test accuracy',data:D.test,yAxisID:'y'},{label:'train accuracy',data:D.train,yAxisID:'y'},
{label:'attention on relevant',data:D.attn,yAxisID:'y'},{label:'loss',data:D.loss,yAxisID:'y1'}]},
options:{maintainAspectRatio:false,animation:false,scales:{x:{title:{display:true,text:'step'}},y:{min:0,max:1},y1:{position:'right',min:0}}}});
new Chart(document.getElementById('cls'),{type:'bar',data:{labels:(D.cls[0]||[]).map((_,i)=>i),datasets:D.cls.map((row,h)=>({label:'head '+(h+1),data:row,
backgroundColor:row.map((_,i)=>D.relevant.includes(i)?'rgba(220,40,40,0.8)':'rgba(80,110,200,'+(0.35+0.15*h)+')')}))},
options:{maintainAspectRatio:false,animation:false,scales:{x:{title:{display:true,text:'input position'}},y:{min:0,title:{display:true,text:'attention from [CLS]'}}}}});`;
  return page(`Run ${path.basename(runDir)}`, body, script);
}

const pct = (v: number) => `${Math.round(v * 100)} %`;

function mStarCell(p: SweepPoint): string {
  const text = esc(mStarText(p));
  if (p.status === 'censored') return `${text} (censored)`;
  if (p.status === 'incomplete') return `${text} (crashed at m = ${p.incompleteAt.join(', ')})`;
  return text;
}

/** The sweep report renders what the sweep computed (src/core): cell status, m*, fits, curve, verdict. */
export function sweepReport(sweepDir: string): string {
  const raw = JSON.parse(readFileSync(path.join(sweepDir, 'summary.json'), 'utf8'));
  const parsed = SweepSummary.safeParse(raw);
  if (!parsed.success) throw new Error(`${sweepDir}/summary.json was written by an older version: run the sweep again to update it (finished runs are reused)`);
  const summary = parsed.data;
  const variants = summaryVariants(summary);
  const variantBlock = (v: VariantResult) => {
    const fits = v.fits;
    const support = v.verdictSupport;
    const fitRows = fits
      ? `<table><tr><th>model</th><th>fitted</th><th>R²</th><th>AICc</th><th>wins in bootstrap</th></tr>
${(['log', 'linear', 'power'] as const)
  .map((k) => `<tr${v.best === k ? ' class="best"' : ''}><td>${MODEL_NAMES[k]}${v.best === k ? ' (best)' : ''}</td><td>${esc(fitFormula(k, fits[k]))}</td><td>${num(fits[k].r2)}</td><td>${num(fits[k].aicc, 1)}</td><td>${support ? pct(support[k]) : '–'}</td></tr>`)
  .join('\n')}</table>
<p class="verdict">${esc(v.verdict ?? '')}</p>`
      : '<p>Fits need m* (or a lower bound) at three or more context lengths, two of them found.</p>';
    const sizes = [...new Set(v.points.flatMap((p) => p.cells.map((c) => c.m)))].sort((a, b) => a - b);
    const grid = `<table><tr><th>T \\ m</th>${sizes.map((m) => `<th>${m}</th>`).join('')}<th>m*</th><th>interval</th></tr>
${v.points
  .map((p) => {
    const cells = sizes.map((m) => {
      const c = p.cells.find((x) => x.m === m);
      if (!c) return '<td></td>';
      const cls = c.status === 'passed' ? 'ok' : c.status === 'failed' ? 'bad' : 'incomplete';
      return `<td class="${cls}">${c.successes}/${c.trials} <small>${pct(c.wilson[0])}–${pct(c.wilson[1])}</small>${c.failedRuns ? ` <small>(${c.failedRuns} crashed)</small>` : ''}</td>`;
    });
    return `<tr><th>${p.T}</th>${cells.join('')}<td>${mStarCell(p)}</td><td>[${p.interval[0] ?? '–'}, ${p.interval[1] ?? '–'}]</td></tr>`;
  })
  .join('\n')}</table>`;
    return `<h2>${esc(v.label)}</h2><p><b>Protocol:</b> ${esc(v.protocol)}</p>${fitRows}
<h3>Successes per cell (seeds that succeeded, with 95 % Wilson intervals)</h3>${grid}`;
  };
  const status = summary.reason ? `${esc(summary.status)}: ${esc(summary.reason)}` : esc(summary.status);
  const body = `<h1>Sweep ${esc(summary.name)}: m*(T)</h1>
<p>Status: ${status}. ${summary.runsExecuted} runs trained, ${summary.runsReused} reused, ${summary.runsFailed} failed; ${summary.wallSeconds} s.</p>
<div class="chart"><canvas id="mstar"></canvas></div>
<p>Filled dots: m* with its bracket (largest failing size below it). Hollow triangles: censored (no size passed; m* is above). Dashed: the best fit.</p>
${variants.map(variantBlock).join('\n')}`;
  // Points only: the chart draws what the sweep computed and evaluates no formula.
  const data = variants.map((v) => ({
    label: v.label,
    found: v.points.filter((p) => p.status === 'found').map((p) => ({ x: p.T, y: p.mStar, lo: p.interval[0], hi: p.interval[1] })),
    censored: v.points.filter((p) => p.status === 'censored').map((p) => ({ x: p.T, y: p.interval[0] })),
    curve: v.curve.map((p) => ({ x: p.T, y: p.m })),
    best: v.best,
  }));
  const script = `const V=${scriptJson(data)};const colours=['#d62728','#1f77b4','#2ca02c','#9467bd'];
const ds=[];V.forEach((v,i)=>{const c=colours[i%colours.length];
ds.push({type:'scatter',label:v.label+' m*',data:v.found,borderColor:c,backgroundColor:c,pointRadius:5});
v.found.forEach(p=>{if(p.lo!==null)ds.push({type:'line',data:[{x:p.x,y:p.lo},{x:p.x,y:p.hi}],borderColor:c,pointRadius:0,label:'',borderWidth:1});});
if(v.censored.length)ds.push({type:'scatter',label:v.label+' censored (m* above)',data:v.censored,borderColor:c,backgroundColor:'transparent',pointStyle:'triangle',pointRadius:7,borderWidth:2});
if(v.curve.length)ds.push({type:'line',label:v.label+' fit ('+v.best+')',data:v.curve,borderColor:c,borderDash:[6,4],pointRadius:0});});
new Chart(document.getElementById('mstar'),{data:{datasets:ds},options:{maintainAspectRatio:false,animation:false,
plugins:{legend:{labels:{filter:i=>i.text!==''}}},scales:{x:{type:'logarithmic',title:{display:true,text:'context length T (log scale)'}},
y:{title:{display:true,text:'m* (samples needed)'},min:0}}}});`;
  return page(`Sweep ${summary.name}`, body, script);
}

/** Picks the report by what the folder holds. */
export function buildReport(dir: string): string {
  if (existsSync(path.join(dir, 'sweep.json'))) {
    if (!existsSync(path.join(dir, 'summary.json'))) throw new Error(`${dir} holds an unfinished sweep (no summary.json): run the sweep again to finish it`);
    return sweepReport(dir);
  }
  if (existsSync(path.join(dir, 'events.jsonl')) || existsSync(path.join(dir, 'experiment.json'))) return runReport(dir);
  throw new Error(`${dir} is neither a run folder (events.jsonl) nor a sweep folder (sweep.json)`);
}
