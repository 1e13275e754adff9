import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseConfigSchema, ConfigError, flag, loadConfig, redisConnection, z } from '../src/index.js';

describe('loadConfig', () => {
  it('gives the development defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c.KAFKA_BROKERS).toEqual(['127.0.0.1:19092']);
    expect(c.REDIS_URL).toBe('redis://127.0.0.1:16379');
    expect(c.SCORING_AS_OF).toBeUndefined();
  });

  it('splits brokers and names every bad variable', () => {
    expect(loadConfig({ KAFKA_BROKERS: 'a:1, b:2' }).KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
    let err: unknown;
    try {
      loadConfig({ KAFKA_BROKERS: 'nohost', SCORING_AS_OF: '2024/01/01', LOG_LEVEL: 'loud' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/KAFKA_BROKERS/u);
    expect(msg).toMatch(/SCORING_AS_OF: expected YYYY-MM-DD/u);
    expect(msg).toMatch(/LOG_LEVEL/u);
  });

  it('requires SASL username and password together', () => {
    expect(() => loadConfig({ KAFKA_SASL_USERNAME: 'agency-3004' })).toThrow(/set both or neither/u);
  });

  it('extends with a service schema, and flags parse "false" as false', () => {
    const schema = baseConfigSchema.extend({ DRY_RUN: flag().default(false) });
    expect(loadConfig({ DRY_RUN: 'false' }, schema).DRY_RUN).toBe(false);
    expect(loadConfig({ DRY_RUN: 'yes' }, schema).DRY_RUN).toBe(true);
    expect(() => loadConfig({ DRY_RUN: 'maybe' }, schema)).toThrow(/DRY_RUN/u);
    expect(z).toBeDefined();
  });

  it('reads a secret from <NAME>_FILE, refuses both at once, and names an unreadable file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ipasn-config-'));
    const file = join(dir, 'pw');
    writeFileSync(file, 's3cret-value\n', { mode: 0o600 });
    const c = loadConfig({ KAFKA_SASL_USERNAME: 'normalizer', KAFKA_SASL_PASSWORD_FILE: file });
    expect(c.KAFKA_SASL_PASSWORD).toBe('s3cret-value');
    expect(() => loadConfig({ KAFKA_SASL_PASSWORD: 'x', KAFKA_SASL_PASSWORD_FILE: file })).toThrow(/both set/u);
    expect(() => loadConfig({ KAFKA_SASL_PASSWORD_FILE: join(dir, 'missing') })).toThrow(/KAFKA_SASL_PASSWORD_FILE: cannot read/u);
    // A shell's own *_FILE variables are none of the config's business.
    expect(loadConfig({ TF_CLI_CONFIG_FILE: join(dir, 'missing') }).KAFKA_SASL_PASSWORD).toBeUndefined();
  });
});

describe('redisConnection', () => {
  it('is the URL alone without REDIS_SENTINELS', () => {
    expect(redisConnection(loadConfig({ REDIS_USERNAME: 'scorer', REDIS_PASSWORD: 'p' }))).toEqual({ url: 'redis://127.0.0.1:16379', username: 'scorer', password: 'p' });
  });

  it('names the Sentinels, the monitored name and their password with REDIS_SENTINELS (cluster mode)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ipasn-config-'));
    writeFileSync(join(dir, 'sentinel.password'), 'secret\n');
    const c = loadConfig({ REDIS_SENTINELS: '127.0.0.1:26390, 127.0.0.1:26391', REDIS_SENTINEL_PASSWORD_FILE: join(dir, 'sentinel.password'), REDIS_USERNAME: 'scorer', REDIS_PASSWORD: 'p' });
    expect(redisConnection(c).sentinel).toEqual({
      sentinels: [
        { host: '127.0.0.1', port: 26390 },
        { host: '127.0.0.1', port: 26391 },
      ],
      name: 'ipasn',
      password: 'secret',
    });
  });

  it('refuses a Sentinel address without a port', () => {
    expect(() => loadConfig({ REDIS_SENTINELS: '127.0.0.1' })).toThrow(/REDIS_SENTINELS\.0: each Sentinel is host:port/u);
  });
});
