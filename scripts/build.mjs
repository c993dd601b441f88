// Builds everything the CLI and the extension ship: the CLI/trainer bundle, the extension host
// bundle, the webview bundles, the JSON Schemas, and the tfjs WASM binaries and Chart.js next to them.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.dirname(new URL(import.meta.url).pathname).replace(/\/scripts$/, '');
const dist = path.join(root, 'dist');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  // Native TensorFlow packages and Dawn's webgpu are optional and found at run time, never bundled.
  external: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'webgpu', 'node-fetch', 'vscode'],
  // tfjs registers its backends and kernels as import side effects that its package.json hides.
  ignoreAnnotations: true,
  // ESM entries first: jsonc-parser's UMD build hides its requires from the bundler.
  mainFields: ['module', 'main'],
  logLevel: 'warning',
};

await build({ ...node, entryPoints: { cli: path.join(root, 'src/trainer/cli.ts'), extension: path.join(root, 'src/extension/extension.ts') }, outdir: dist });

// Webviews: the authoring form here; the results panel by its own script.
await build({
  entryPoints: { form: path.join(root, 'webview/form/main.ts') },
  outdir: path.join(dist, 'webview'),
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2020',
  minify: true,
  logLevel: 'warning',
});
mkdirSync(path.join(dist, 'webview'), { recursive: true });
cpSync(path.join(root, 'media/form.css'), path.join(dist, 'webview/form.css'));
if (existsSync(path.join(root, 'scripts/build-webviews.mjs'))) {
  const { buildWebviews } = await import('./build-webviews.mjs');
  await buildWebviews();
}

const wasmSrc = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
mkdirSync(path.join(dist, 'wasm'), { recursive: true });
for (const f of readdirSync(wasmSrc).filter((f) => f.endsWith('.wasm'))) {
  cpSync(path.join(wasmSrc, f), path.join(dist, 'wasm', f));
}

// Chart.js's UMD build, inlined into HTML reports.
const chartDir = path.dirname(require.resolve('chart.js'));
mkdirSync(path.join(dist, 'vendor'), { recursive: true });
cpSync(path.join(chartDir, 'chart.umd.min.js'), path.join(dist, 'vendor', 'chart.umd.min.js'));

// JSON Schemas for the editor's jsonValidation, from the same zod schemas the CLI validates with.
const { experimentJsonSchema, sweepJsonSchema } = require(path.join(dist, 'cli.js'));
mkdirSync(path.join(dist, 'schemas'), { recursive: true });
writeFileSync(path.join(dist, 'schemas/experiment.schema.json'), JSON.stringify(experimentJsonSchema(), null, 2));
writeFileSync(path.join(dist, 'schemas/sweep.schema.json'), JSON.stringify(sweepJsonSchema(), null, 2));
