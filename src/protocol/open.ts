/**
 * `open(schema)`: a fresh, deep copy of a record schema whose objects let unknown keys through, for
 * result (output) schemas. Unknown keys pass so that an older client keeps validating a newer
 * record; every node is a new instance so that a JSON Schema rendering (zod-to-json-schema) writes
 * each use in full instead of a `$ref` to its first use.
 */
import {
  z,
  ZodArray,
  ZodNullable,
  ZodObject,
  ZodOptional,
  ZodRecord,
  ZodUnion,
  type ZodRawShape,
  type ZodTypeAny,
} from 'zod';

/** Output type is the input's, widened by the index signature passthrough adds to objects. */
export function open<T extends ZodTypeAny>(schema: T): T {
  return copy(schema) as T;
}

function copy(s: ZodTypeAny): ZodTypeAny {
  let out: ZodTypeAny;
  if (s instanceof ZodObject) {
    const shape: ZodRawShape = {};
    for (const [k, v] of Object.entries(s.shape as ZodRawShape)) shape[k] = copy(v);
    out = z.object(shape).passthrough();
  } else if (s instanceof ZodNullable) {
    out = copy(s.unwrap() as ZodTypeAny).nullable();
  } else if (s instanceof ZodOptional) {
    out = copy(s.unwrap() as ZodTypeAny).optional();
  } else if (s instanceof ZodArray) {
    out = z.array(copy(s.element as ZodTypeAny));
  } else if (s instanceof ZodUnion) {
    const options = (s.options as ZodTypeAny[]).map(copy);
    out = z.union(options as [ZodTypeAny, ZodTypeAny, ...ZodTypeAny[]]);
  } else if (s instanceof ZodRecord) {
    out = z.record(copy(s.keySchema as ZodTypeAny), copy(s.valueSchema as ZodTypeAny));
  } else {
    // A leaf (string, number, enum, literal, …): the same definition in a new instance.
    const Leaf = s.constructor as new (def: unknown) => ZodTypeAny;
    out = new Leaf({ ...(s._def as object) });
  }
  return s.description === undefined ? out : out.describe(s.description);
}
