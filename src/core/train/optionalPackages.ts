// Packages the trainer uses when they are installed but never bundles: the native TensorFlow builds
// (they download libtensorflow at install time) and Dawn's `webgpu` (a 21–132 MB native addon).
// They are looked up in our own node_modules, then in a folder the editor installs them into.
import { createRequire } from 'node:module';
import * as path from 'node:path';

/** Where an optional package may live: our own node_modules, then SPARSE_ATTENTION_NATIVE_MODULES. */
export function optionalRequirers(): NodeRequire[] {
  const out: NodeRequire[] = [createRequire(__filename)];
  const extra = process.env.SPARSE_ATTENTION_NATIVE_MODULES;
  if (extra) out.push(createRequire(path.join(extra, 'noop.js')));
  return out;
}

/** The first place `name` resolves from, or the reason it does not (the last lookup's first line). */
export function resolveOptional(name: string): { file: string; require: NodeRequire } | { why: string } {
  let why = 'not installed';
  for (const req of optionalRequirers()) {
    try {
      return { file: req.resolve(name), require: req };
    } catch (err) {
      why = (err as Error).message.split('\n')[0];
    }
  }
  return { why };
}
