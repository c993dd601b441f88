// Bundles the results panel's browser code (Chart.js and zod included) and copies its stylesheet:
// dist/webview/results.js and dist/webview/results.css. Called by scripts/build.mjs; also runs
// on its own: node scripts/build-webviews.mjs
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** @returns {Promise<{ script: string; style: string }>} the paths written */
export async function buildWebviews() {
  const outDir = path.join(root, 'dist', 'webview');
  mkdirSync(outDir, { recursive: true });
  const script = path.join(outDir, 'results.js');
  const style = path.join(outDir, 'results.css');
  await build({
    entryPoints: [path.join(root, 'webview/results/main.ts')],
    outfile: script,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    minify: true,
    // Chart.js and zod check NODE_ENV for development-only warnings.
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'eof',
    logLevel: 'warning',
  });
  copyFileSync(path.join(root, 'media/results.css'), style);
  return { script, style };
}

// No top-level await: the tests load this module from CommonJS (require of ESM forbids it).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildWebviews().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
