// Which fields the form shows for experiments and sweeps, and how a typed string becomes JSON.
export type FieldType = 'text' | 'int' | 'number' | 'enum' | 'intOrFull' | 'biasOrBalanced' | 'intList';
export interface Field {
  path: string;
  label: string;
  type: FieldType;
  options?: string[];
}

const TASK: Field[] = [
  { path: 'task.kind', label: 'Target', type: 'enum', options: ['parity', 'and', 'or', 'majority', 'junta'] },
  { path: 'task.s', label: 'Relevant bits s', type: 'int' },
  { path: 'task.noise', label: 'Label noise', type: 'number' },
  { path: 'task.inputBias', label: 'Input bias P(x=1) or "balanced"', type: 'biasOrBalanced' },
];
const MODEL: Field[] = [
  { path: 'model.arch', label: 'Architecture', type: 'enum', options: ['transformer', 'mlp'] },
  { path: 'model.layers', label: 'Layers', type: 'int' },
  { path: 'model.heads', label: 'Heads', type: 'int' },
  { path: 'model.dModel', label: 'Width dModel', type: 'int' },
  { path: 'model.mlpRatio', label: 'MLP ratio', type: 'number' },
];
const TRAINING: Field[] = [
  { path: 'training.learningRate', label: 'Learning rate', type: 'number' },
  { path: 'training.weightDecay', label: 'Weight decay', type: 'number' },
  { path: 'training.batchSize', label: 'Batch size or "full"', type: 'intOrFull' },
  { path: 'training.maxSteps', label: 'Max steps', type: 'int' },
  { path: 'training.evalEvery', label: 'Evaluate every', type: 'int' },
  { path: 'training.targetAccuracy', label: 'Target accuracy', type: 'number' },
];

export const EXPERIMENT_FIELDS: { section: string; fields: Field[] }[] = [
  { section: 'Experiment', fields: [{ path: 'name', label: 'Name', type: 'text' }, { path: 'seed', label: 'Seed', type: 'int' }] },
  { section: 'Task', fields: [TASK[0], { path: 'task.T', label: 'Context length T', type: 'int' }, ...TASK.slice(1)] },
  { section: 'Data', fields: [{ path: 'data.trainSize', label: 'Training samples m', type: 'int' }, { path: 'data.testSize', label: 'Test samples', type: 'int' }] },
  { section: 'Model', fields: MODEL },
  { section: 'Training', fields: TRAINING },
];

const prefix = (fields: Field[]) => fields.map((f) => ({ ...f, path: `base.${f.path}` }));
export const SWEEP_FIELDS: { section: string; fields: Field[] }[] = [
  {
    section: 'Sweep',
    fields: [
      { path: 'name', label: 'Name', type: 'text' },
      { path: 'contextLengths', label: 'Context lengths T (comma-separated)', type: 'intList' },
      { path: 'trainSizes.min', label: 'Smallest m', type: 'int' },
      { path: 'trainSizes.max', label: 'Largest m', type: 'int' },
      { path: 'search', label: 'Search', type: 'enum', options: ['bisect', 'grid'] },
      { path: 'seeds', label: 'Seeds per cell', type: 'int' },
      { path: 'successRate', label: 'Success rate', type: 'number' },
    ],
  },
  { section: 'Task', fields: prefix(TASK) },
  { section: 'Model', fields: prefix(MODEL) },
  { section: 'Training', fields: prefix(TRAINING) },
];

/** The typed text as the JSON value the schema expects; invalid text stays a string so the schema names it. */
export function parseValue(type: FieldType, text: string): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  switch (type) {
    case 'int':
    case 'number':
      return Number.isFinite(n) ? n : t;
    case 'intOrFull':
      return t === 'full' ? 'full' : Number.isFinite(n) ? n : t;
    case 'biasOrBalanced':
      return t === 'balanced' ? 'balanced' : Number.isFinite(n) ? n : t;
    case 'intList':
      return t.split(/[\s,]+/).filter(Boolean).map((x) => (Number.isFinite(Number(x)) ? Number(x) : x));
    default:
      return t;
  }
}

export function formatValue(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

export function getPath(obj: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

/** A copy of obj with path set (or removed when value is undefined), creating objects on the way. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(obj);
  const keys = path.split('.');
  let cur = copy;
  for (const k of keys.slice(0, -1)) {
    if (!cur[k] || typeof cur[k] !== 'object') cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
}
