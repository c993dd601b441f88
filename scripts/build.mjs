// Bundles the CLI/trainer with esbuild and copies the tfjs WASM binaries next to it.
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.dirname(new URL(import.meta.url).pathname).replace(/\/scripts$/, '');
const dist = path.join(root, 'dist');

// Native TensorFlow packages are optional and found at run time, never bundled.
const external = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'node-fetch'];

await build({
  entryPoints: { cli: path.join(root, 'src/trainer/cli.ts') },
  outdir: dist,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external,
  // tfjs registers its backends and kernels as import side effects that its package.json hides.
  ignoreAnnotations: true,
  // ESM entries first: jsonc-parser's UMD build hides its requires from the bundler.
  mainFields: ['module', 'main'],
  logLevel: 'warning',
});

const wasmSrc = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
mkdirSync(path.join(dist, 'wasm'), { recursive: true });
for (const f of readdirSync(wasmSrc).filter((f) => f.endsWith('.wasm'))) {
  cpSync(path.join(wasmSrc, f), path.join(dist, 'wasm', f));
}

// Chart.js's UMD build, inlined into HTML reports.
const chartDir = path.dirname(require.resolve('chart.js'));
mkdirSync(path.join(dist, 'vendor'), { recursive: true });
cpSync(path.join(chartDir, 'chart.umd.min.js'), path.join(dist, 'vendor', 'chart.umd.min.js'));
