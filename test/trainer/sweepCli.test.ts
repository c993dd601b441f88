// `sparse-attention sweep` and `report` end to end with real (tiny) training runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { sweepCommand } from '../../src/trainer/sweepCommand';
import type { RunLauncher } from '../../src/trainer/sweepRunner';
import { tinySweep as makeTinySweep } from './tinySweep';

const BIN = path.resolve(__dirname, '../../bin/sparse-attention.js');
const cli = (args: string[], cwd: string) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });

const tinySweep = makeTinySweep({ seeds: 1, successRate: 1 });

describe('sweep and report CLI', () => {
  it('runs a tiny sweep, prints the summary as the last JSON line, resumes for free, and reports', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sa-sweepcli-'));
    const file = path.join(dir, 'tiny.sweep.json');
    writeFileSync(file, JSON.stringify(tinySweep));
    assert.equal(cli(['validate', file], dir).status, 0);

    const r = cli(['sweep', file, '--json', '--workers', '2', '--backend', 'wasm'], dir);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const last = lines[lines.length - 1];
    assert.equal(last.type, 'sweep-summary');
    assert.equal(last.status, 'completed');
    assert.deepEqual(last.points.map((p: { T: number }) => p.T), [4, 8, 16]);
    for (const p of last.points) {
      assert.ok(Array.isArray(p.interval) && p.interval.length === 2);
      for (const c of p.cells) assert.deepEqual(Object.keys(c).sort(), ['failedRuns', 'm', 'meanTestAccuracy', 'medianTestAccuracy', 'status', 'successes', 'trials', 'wilson']);
    }
    // Each cell's accuracy read-out is the median and mean of its runs' final test accuracies (2 seeds).
    for (const p of last.points)
      for (const c of p.cells) {
        const runs = readdirSync(path.join(last.sweepDir, 'runs')).filter((id) => id.startsWith(`transformer-T${p.T}-m${c.m}-seed`));
        const accs = runs.map((id) => JSON.parse(readFileSync(path.join(last.sweepDir, 'runs', id, 'summary.json'), 'utf8')).testAccuracy as number).sort();
        assert.equal(accs.length, c.trials);
        const mid = accs.length % 2 ? accs[(accs.length - 1) / 2] : (accs[accs.length / 2 - 1] + accs[accs.length / 2]) / 2;
        const avg = accs.reduce((a, b) => a + b, 0) / accs.length;
        assert.ok(Math.abs(c.medianTestAccuracy - mid) < 1e-4 && Math.abs(c.meanTestAccuracy - avg) < 1e-4, `T = ${p.T}, m = ${c.m}: ${c.medianTestAccuracy}/${c.meanTestAccuracy} vs runs ${accs}`);
      }
    const onDisk = JSON.parse(readFileSync(path.join(last.sweepDir, 'summary.json'), 'utf8'));
    assert.deepEqual(onDisk.points.map((p: { cells: { medianTestAccuracy: number }[] }) => p.cells.map((c) => c.medianTestAccuracy)), last.points.map((p: { cells: { medianTestAccuracy: number }[] }) => p.cells.map((c) => c.medianTestAccuracy)), 'summary.json carries the same read-out');
    assert.ok(['log', 'linear', 'power', null].includes(last.best));
    assert.equal(last.sweepDir, path.join(dir, '.sparse-attention', 'sweeps', 'tiny'));
    assert.ok(lines.some((l) => l.type === 'cell-finished'));
    assert.ok(last.runsExecuted >= 3);

    const again = cli(['sweep', file, '--json', '--backend', 'wasm'], dir);
    assert.equal(again.status, 0, again.stderr);
    const second = JSON.parse(again.stdout.trim().split('\n').pop()!);
    assert.equal(second.runsExecuted, 0, 'every finished cell is reused');
    assert.equal(second.runsReused, last.runsExecuted);
    assert.deepEqual(second.points, last.points);

    const html = path.join(dir, 'report.html');
    const rep = cli(['report', last.sweepDir, '--html', html], dir);
    assert.equal(rep.status, 0, rep.stderr);
    const text = readFileSync(html, 'utf8');
    assert.match(text, /<canvas id="mstar">/);
    assert.match(text, /Sweep tiny: m\*\(T\)/);
    assert.doesNotMatch(text, /<script src=/, 'self-contained: no external scripts');

    const runHtml = path.join(dir, 'run.html');
    const runDir = path.join(last.sweepDir, 'runs', 'transformer-T4-m16-seed0');
    assert.equal(cli(['report', runDir, '--html', runHtml], dir).status, 0);
    assert.match(readFileSync(runHtml, 'utf8'), /<canvas id="curves">/);

    assert.equal(cli(['report', dir, '--html', path.join(dir, 'x.html')], dir).status, 2);
    assert.equal(existsSync(path.join(dir, 'x.html')), false);
  });

  it('successWhen "final": every run trains all maxSteps, and a crashed cell ends the sweep as incomplete (exit 1)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sa-sweepcli-'));
    const file = path.join(dir, 'final.sweep.json');
    writeFileSync(file, JSON.stringify({ ...tinySweep, name: 'final', successWhen: 'final', contextLengths: [4, 8], trainSizes: [16, 64] }));
    const r = cli(['sweep', file, '--json', '--workers', '2', '--backend', 'wasm'], dir);
    assert.equal(r.status, 0, r.stderr);
    const last = JSON.parse(r.stdout.trim().split('\n').pop()!);
    const runsDir = path.join(last.sweepDir, 'runs');
    const summaries = readdirSync(runsDir).map((id) => JSON.parse(readFileSync(path.join(runsDir, id, 'summary.json'), 'utf8')));
    assert.ok(summaries.length >= 2);
    for (const s of summaries) assert.equal(s.steps, 60, `${s.runId} stopped at ${s.steps}`);

    // The same file through the command with a launcher whose runs crash: exit 1 and one line saying why.
    const crashing: RunLauncher = async () => ({ ok: false, reason: 'simulated crash' });
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
    let code: number;
    try {
      code = await sweepCommand(file, { out: path.join(dir, 'crashed'), parallel: 1, backend: 'wasm', json: true, cliPath: BIN, launch: crashing });
    } finally {
      process.stderr.write = write;
    }
    assert.equal(code, 1);
    const reason = lines.join('').trim().split('\n').filter((l) => l.startsWith('incomplete: '));
    assert.equal(reason.length, 1, lines.join(''));
    assert.match(reason[0], /^incomplete: m\* is open at 2 context lengths because runs crashed after a retry/);
  });

  it('a bad sweep file: exit 2 with field-named problems, nothing written', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sa-sweepcli-'));
    const file = path.join(dir, 'bad.sweep.json');
    writeFileSync(file, JSON.stringify({ ...tinySweep, contextLengths: [2, 8], seeds: 0 }));
    const r = cli(['sweep', file], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /contextLengths\.0: must be ≥ base\.task\.s \(got 2 < 3\)/);
    assert.match(r.stderr, /seeds: must be ≥ 1 \(got 0\)/);
    assert.equal(existsSync(path.join(dir, '.sparse-attention')), false);
    const v = cli(['validate', file], dir);
    assert.equal(v.status, 2);
    assert.match(v.stdout, /^seeds: must be ≥ 1 \(got 0\)$/m);
  });

  it('a sweep given to `run`, or an experiment to `sweep`: exit 2 with one line naming the right command', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sa-sweepcli-'));
    const sweepFile = path.join(dir, 'tiny.sweep.json');
    writeFileSync(sweepFile, JSON.stringify(tinySweep));
    const asRun = cli(['run', sweepFile], dir);
    assert.equal(asRun.status, 2);
    assert.equal(asRun.stderr.trim(), `${sweepFile}: kind: this is a sweep file ("kind": "sweep"); run it with \`sparse-attention sweep\``);
    const experimentFile = path.join(dir, 'tiny.experiment.json');
    writeFileSync(experimentFile, JSON.stringify({ version: 1, name: 'e', task: { kind: 'and', T: 8, s: 2 }, data: { trainSize: 16 } }));
    const asSweep = cli(['sweep', experimentFile], dir);
    assert.equal(asSweep.status, 2);
    assert.match(asSweep.stderr, /kind: this is an experiment file .*run it with `sparse-attention run`/);
    assert.equal(asSweep.stderr.trim().split('\n').length, 1);
    assert.equal(existsSync(path.join(dir, '.sparse-attention')), false);
  });
});
