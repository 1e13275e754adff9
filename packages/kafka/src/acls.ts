/**
 * The declarative ACL list (infra/topics/acls.json, beside the topic list) and its idempotent
 * application: missing ALLOW rules are created, and rules of the declared principals on this
 * namespace's `ipasn` resources that are no longer declared are deleted. Nothing else is touched
 * (rules under another namespace prefix, other principals' rules).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { withAdmin, type AclBinding, type AclOperation } from './admin.js';
import type { KafkaClient } from './client.js';

const OPERATIONS = ['ALL', 'READ', 'WRITE', 'CREATE', 'DELETE', 'ALTER', 'DESCRIBE', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS', 'IDEMPOTENT_WRITE'] as const satisfies readonly AclOperation[];

const RuleSchema = z
  .object({
    topic: z.string().min(1).optional(),
    group: z.string().min(1).optional(),
    transactionalId: z.string().min(1).optional(),
    pattern: z.enum(['literal', 'prefixed']).default('literal'),
    operations: z.array(z.enum(OPERATIONS)).min(1),
  })
  .refine((r) => [r.topic, r.group, r.transactionalId].filter((x) => x !== undefined).length === 1, 'name exactly one of topic, group, transactionalId');

const PrincipalSchema = z.object({ principal: z.string().regex(/^[a-zA-Z0-9._<>-]+$/u), doc: z.string().optional(), allow: z.array(RuleSchema) });

export const AclFileSchema = z.object({
  principals: z.array(PrincipalSchema),
  agency: PrincipalSchema.refine((p) => p.principal.includes('<agencyCode>'), 'the agency principal names <agencyCode>'),
});
export type AclFile = z.infer<typeof AclFileSchema>;

export const DEFAULT_ACLS_FILE = new URL('../../../infra/topics/acls.json', import.meta.url);

export async function readAclFile(path: string | URL = DEFAULT_ACLS_FILE): Promise<AclFile> {
  return AclFileSchema.parse(JSON.parse(await readFile(path, 'utf8')));
}

/** Every binding the file declares for these agencies, names under the namespace prefix. */
export function expandAcls(file: AclFile, agencyCodes: Iterable<string>, prefix = ''): AclBinding[] {
  const expand = (p: z.infer<typeof PrincipalSchema>, code?: string): AclBinding[] => {
    const sub = (s: string) => (code === undefined ? s : s.replaceAll('<agencyCode>', code));
    return p.allow.flatMap((r) => {
      const [resource, name] = r.topic !== undefined ? (['topic', r.topic] as const) : r.group !== undefined ? (['group', r.group] as const) : (['transactional-id', r.transactionalId ?? ''] as const);
      return r.operations.map((operation) => ({ principal: `User:${sub(p.principal)}`, resource, name: prefix + sub(name), pattern: r.pattern, operation }));
    });
  };
  return [...file.principals.flatMap((p) => expand(p)), ...[...agencyCodes].sort().flatMap((code) => expand(file.agency, code))];
}

export interface AclReport {
  created: AclBinding[];
  deleted: AclBinding[];
  unchanged: number;
}

const keyOf = (b: AclBinding) => `${b.principal}|${b.resource}|${b.pattern}|${b.name}|${b.operation}`;

/** Brings the broker's rules for the bindings' principals in line with `bindings` (see the file comment). */
export async function applyAcls(kafka: KafkaClient, bindings: readonly AclBinding[], prefix = ''): Promise<AclReport> {
  return withAdmin(kafka, async (admin) => {
    const principals = [...new Set(bindings.map((b) => b.principal))];
    const existing = (await Promise.all(principals.map((p) => admin.describeAcls(p)))).flat();
    const want = new Set(bindings.map(keyOf));
    const have = new Set(existing.map(keyOf));
    const created = bindings.filter((b) => !have.has(keyOf(b)));
    const ours = (b: AclBinding) => b.resource !== 'cluster' && b.name.startsWith(`${prefix}ipasn`);
    const deleted = existing.filter((b) => ours(b) && !want.has(keyOf(b)));
    await admin.createAcls(created);
    await admin.deleteAcls(deleted);
    return { created, deleted, unchanged: bindings.length - created.length };
  });
}
