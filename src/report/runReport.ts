// The report of one run folder: its outcome, learning curves, the last [CLS] attention and the experiment.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { backendFact } from '../protocol/backendLabel';
import type { AttentionEvent, MetricsEvent, StartedEvent } from '../protocol/runEvents';
import { readEvents, readSummary } from '../store/runFolder';
import { esc, num, page, scriptJson } from './reportPage';

export function runReport(runDir: string): string {
  const events = readEvents(runDir);
  const summary = readSummary(runDir);
  const started = events.find((e): e is StartedEvent => e.type === 'started');
  const metrics = events.filter((e): e is MetricsEvent => e.type === 'metrics');
  const lastAttention = events.filter((e): e is AttentionEvent => e.type === 'attention').pop();
  const b = summary ?? started;
  const spec = started?.spec ?? JSON.parse(readFileSync(path.join(runDir, 'experiment.json'), 'utf8'));
  const rows: [string, string][] = [
    ['status', summary?.status ?? 'unfinished (no summary.json)'],
    ['steps', String(summary?.steps ?? metrics.at(-1)?.step ?? 0)],
    ['test accuracy', num(summary?.testAccuracy ?? metrics.at(-1)?.testAccuracy)],
    ['train accuracy', num(summary?.trainAccuracy ?? metrics.at(-1)?.trainAccuracy)],
    ['attention on relevant (best head)', num(summary?.attentionOnRelevant ?? metrics.at(-1)?.attentionOnRelevant)],
    ['relevant positions', started ? started.relevant.join(', ') : '–'],
    ['backend', b ? backendFact(b.backend, b.adapter) : '–'],
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
