// The legacy `util.is*` type checks that @tensorflow/tfjs-node(-gpu) 4.22.0 still calls. Node
// deprecated them long ago and removed them in Node 23, so on Node 23+ the native backend throws
// `util.isNullOrUndefined is not a function` at its first op. Upstream fixed this in
// tensorflow/tfjs#8609 (merged, but not in any release yet). Until a release has it, the trainer puts
// back the missing functions, with Node's documented semantics, right before it requires a native
// package: only the missing ones (existing ones are never replaced) and never when only WASM/CPU run.
// The real module object, not an import's namespace copy: tfjs-node's `require('util')` sees only this.
import nodeUtil = require('node:util');

const toString = (v: unknown) => Object.prototype.toString.call(v);

/** Node's legacy implementations (lib/util.js of Node 20), one per removed function. */
export const LEGACY_UTIL_FUNCTIONS: Readonly<Record<string, (value: unknown) => boolean>> = {
  isArray: (v) => Array.isArray(v),
  isBoolean: (v) => typeof v === 'boolean',
  isBuffer: (v) => v instanceof Buffer,
  isDate: (v) => nodeUtil.types.isDate(v),
  isError: (v) => toString(v) === '[object Error]' || v instanceof Error,
  isFunction: (v) => typeof v === 'function',
  isNull: (v) => v === null,
  isNullOrUndefined: (v) => v === null || v === undefined,
  isNumber: (v) => typeof v === 'number',
  isObject: (v) => v !== null && typeof v === 'object',
  isPrimitive: (v) => v === null || (typeof v !== 'object' && typeof v !== 'function'),
  isRegExp: (v) => nodeUtil.types.isRegExp(v),
  isString: (v) => typeof v === 'string',
  isSymbol: (v) => typeof v === 'symbol',
  isUndefined: (v) => v === undefined,
};

/**
 * Adds to `target` (the `util` module by default) each legacy function it lacks; returns their names.
 * Call only right before requiring a native TensorFlow package.
 */
export function addMissingLegacyUtil(target: object = nodeUtil): string[] {
  const obj = target as Record<string, unknown>;
  const added: string[] = [];
  for (const [name, fn] of Object.entries(LEGACY_UTIL_FUNCTIONS)) {
    if (obj[name] !== undefined) continue; // present (even deprecated): never replaced
    Object.defineProperty(obj, name, { value: fn, writable: true, configurable: true, enumerable: true });
    added.push(name);
  }
  return added;
}
