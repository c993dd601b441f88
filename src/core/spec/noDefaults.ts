// A schema's fields as the user wrote them: for overrides laid over a base (a sweep's `compareWith`),
// where a default filled in would silently replace the base's value.
import { z } from 'zod';

/**
 * An override's fields as written, with no defaults: zod 4's `.partial()` keeps a field's default, so
 * `{ "model": { "maxNorm": 1 } }` came back with heads 4 and init "fan-in" filled in over the base's.
 */
export function noDefaults<S extends z.ZodRawShape>(shape: S): { [K in keyof S]: z.ZodOptional<z.ZodType<z.output<S[K]>, z.input<S[K]>>> } {
  const bare = (t: z.ZodType): z.ZodType => (t instanceof z.ZodDefault || t instanceof z.ZodPrefault ? bare(t.unwrap() as z.ZodType) : t);
  return Object.fromEntries(Object.entries(shape).map(([k, t]) => [k, bare(t as z.ZodType).optional()])) as never;
}
