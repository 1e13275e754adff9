/** Looks up named types (records, enums) in a schema's JSON, for tests that compare with contracts. */
export interface Named {
  name?: string;
  type?: unknown;
  symbols?: string[];
  fields?: Named[];
  items?: unknown;
}

/** Every named type of `schema`, by short name. */
export function namedTypes(schema: unknown, out = new Map<string, Named>()): Map<string, Named> {
  if (Array.isArray(schema)) schema.forEach((s) => namedTypes(s, out));
  else if (schema !== null && typeof schema === 'object') {
    const s = schema as Named;
    if (typeof s.name === 'string' && (s.symbols || s.fields)) out.set(s.name.slice(s.name.lastIndexOf('.') + 1), s);
    for (const f of s.fields ?? []) namedTypes(f.type, out);
    namedTypes(s.type, out);
    namedTypes(s.items, out);
  }
  return out;
}
