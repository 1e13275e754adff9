/**
 * infra/deploy/compose.yaml and infra/deploy/Dockerfile, checked without Docker: every build context,
 * Dockerfile and mounted file exists; every service built here names its config schema (label
 * `id.go.bkn.ipasn.config`), sets only variables that schema knows, and its environment parses
 * with it; the one Dockerfile builds any service (ARG SERVICE) and runs it as a non-root user from
 * node:24-slim.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { baseConfigSchema } from '@ipasn/config';
import { ROOT } from './helpers.js';

const REPO = resolve(ROOT, '..', '..');
const DEPLOY = join(REPO, 'infra', 'deploy');
const COMPOSE = join(DEPLOY, 'compose.yaml');
const SERVICES = readdirSync(join(REPO, 'services')).filter((s) => existsSync(join(REPO, 'services', s, 'package.json')));

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; args?: Record<string, string> };
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  labels?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(readFileSync(COMPOSE, 'utf8'), { merge: true }) as { services: Record<string, ComposeService>; volumes?: Record<string, unknown> };

interface Schema {
  shape: Record<string, unknown>;
  safeParse(env: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } };
}

/** The config schema a label names: a service's own (its built config module) or packages/config's base. */
async function schemaOf(name: string): Promise<Schema> {
  if (name === 'base') return baseConfigSchema;
  const file = join(REPO, 'services', name, 'dist', 'config.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: build the service first`);
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const schema = Object.entries(mod).find(([k]) => k.endsWith('ConfigSchema'))?.[1];
  if (!schema) throw new Error(`${file} exports no *ConfigSchema`);
  return schema as Schema;
}

/** Compose interpolation of `${VAR:-default}` / `${VAR}` with an empty environment. */
function interpolate(value: string | number | boolean | null): string {
  return String(value ?? '').replace(/\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/gu, (_m, _name: string, fallback: string | undefined) => fallback ?? '');
}

describe('infra/deploy/compose.yaml', () => {
  const built = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);

  it('builds every service of the repository from the one Dockerfile, naming it as the SERVICE argument', () => {
    for (const [name, s] of built) {
      const context = resolve(DEPLOY, s.build!.context);
      expect(existsSync(context), `${name}: context ${context}`).toBe(true);
      expect(s.build!.dockerfile, name).toBe('infra/deploy/Dockerfile');
      expect(existsSync(join(context, s.build!.dockerfile!)), `${name}: ${s.build!.dockerfile}`).toBe(true);
      expect(SERVICES, `${name}: SERVICE=${s.build!.args?.['SERVICE']}`).toContain(s.build!.args?.['SERVICE']);
    }
    for (const service of SERVICES) expect(compose.services[service]?.build?.args?.['SERVICE'], service).toBe(service);
  });

  it('mounts only files that exist, and declares its named volumes', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const v of s.volumes ?? []) {
        const [source] = v.split(':');
        if (source!.startsWith('.') || source!.startsWith('/')) expect(existsSync(resolve(DEPLOY, source!)), `${name}: ${v}`).toBe(true);
        else expect(Object.keys(compose.volumes ?? {}), `${name}: ${v}`).toContain(source);
      }
    }
  });

  it('depends only on services it defines', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const dep of Object.keys(s.depends_on ?? {})) expect(Object.keys(compose.services), `${name} → ${dep}`).toContain(dep);
    }
  });

  it("sets for each service only variables its config schema knows, with values it accepts", async () => {
    expect(built.length).toBeGreaterThanOrEqual(SERVICES.length);
    for (const [name, s] of built) {
      const label = s.labels?.['id.go.bkn.ipasn.config'];
      expect(label, `${name}: label id.go.bkn.ipasn.config`).toBeDefined();
      const schema = await schemaOf(label!);
      const env = Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(v)]));
      const unknown = Object.keys(env).filter((k) => !(k in schema.shape));
      expect(unknown, `${name}: variables its schema (${label}) does not know`).toEqual([]);
      const parsed = schema.safeParse(env);
      expect(parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [], name).toEqual([]);
    }
  });

  it("runs the topics job with a command that exists in the image's sources", () => {
    const cmd = compose.services['topics']?.command ?? [];
    expect(cmd[0]).toBe('node');
    expect(existsSync(join(REPO, cmd[1]!.replace('/dist/', '/src/').replace(/\.js$/u, '.ts')))).toBe(true);
  });
});

describe('infra/deploy/Dockerfile', () => {
  const text = readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8');
  it('is multi-stage from node:24-slim, builds and installs only the SERVICE workspace, runs it as a non-root user', () => {
    expect(text).toMatch(/^ARG NODE_IMAGE=node:24-slim$/mu);
    expect([...text.matchAll(/^FROM /gmu)].length).toBeGreaterThanOrEqual(2);
    expect([...text.matchAll(/^ARG SERVICE$/gmu)].length).toBe(2);
    expect(text).toContain('npx turbo run build --filter=@ipasn/${SERVICE}...');
    expect(text).toContain('npm ci --omit=dev --workspace=@ipasn/${SERVICE}');
    expect(text).toMatch(/^USER node$/mu);
    expect(text).toContain('exec node services/$IPASN_SERVICE/dist/main.js');
    expect(existsSync(join(REPO, '.dockerignore'))).toBe(true);
  });

  for (const service of SERVICES) {
    it(`${service}: its main exists, and every file it reads outside dist/ is copied (Lua, static files, schemas, topics, patches)`, () => {
      expect(existsSync(join(REPO, 'services', service, 'src', 'main.ts'))).toBe(true);
      for (const dir of ['lua', 'public']) if (existsSync(join(REPO, 'services', service, dir))) expect(text).toContain('for x in dist lua public');
      expect(text).toContain('cp -r schemas patches /out/');
    });
  }
});
