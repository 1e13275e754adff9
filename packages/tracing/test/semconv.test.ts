import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import { expect, it } from 'vitest';
import * as ours from '../src/semconv.js';

it('the copied messaging conventions equal @opentelemetry/semantic-conventions/incubating', () => {
  for (const [name, value] of Object.entries(ours)) expect([name, (incubating as Record<string, unknown>)[name]]).toEqual([name, value]);
});
