import { describe, expect, it } from 'vitest';
import { errorCode, IpasnError, isRetriable } from '../src/index.js';

class KafkaLikeError extends Error {
  constructor(readonly retriable: boolean) {
    super('kafka');
  }
}

describe('isRetriable', () => {
  it.each([
    ['an IpasnError that says retriable', new IpasnError('STATE_CONFLICT', 'x', { retriable: true }), true],
    ['an IpasnError by default', new IpasnError('CONFIG_INVALID', 'x'), false],
    ['a client error with retriable: true (kafkajs)', new KafkaLikeError(true), true],
    ['a client error with retriable: false', new KafkaLikeError(false), false],
    ['a connection refused', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), true],
    ['ioredis running out of retries', Object.assign(new Error('x'), { name: 'MaxRetriesPerRequestError' }), true],
    ['ioredis closing under a command', new Error('Connection is closed.'), true],
    ['a TypeError (a bug)', new TypeError("Cannot read properties of undefined (reading 'x')"), false],
    ['a RangeError (a bug)', new RangeError('Invalid array length'), false],
    ['a plain Error', new Error('something'), false],
    ['a thrown string', 'oops', false],
    ['undefined', undefined, false],
  ])('%s → %s', (_name, err, expected) => {
    expect(isRetriable(err)).toBe(expected);
  });
});

describe('IpasnError', () => {
  it('keeps code, retriable and cause; subclasses keep their name', () => {
    const cause = new Error('root');
    class ScoreError extends IpasnError {
      override name = 'ScoreError';
    }
    const e = new ScoreError('STATE_CONFLICT', 'kept conflicting', { retriable: true, cause });
    expect([e.code, e.retriable, e.cause, e.name, e instanceof IpasnError, errorCode(e)]).toEqual(['STATE_CONFLICT', true, cause, 'ScoreError', true, 'STATE_CONFLICT']);
    expect(errorCode(new TypeError('x'))).toBe('TypeError');
    expect(errorCode(42)).toBe('UNKNOWN');
  });
});
