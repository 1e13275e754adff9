/**
 * The stored state's bytes. JSON is readable but large (record ids and key names repeat); this
 * codec writes a compact JSON array form without key names, and keeps a format byte so a binary
 * encoding can replace it without a migration.
 */
import type { EmployeeState } from './state.js';

const FORMAT_JSON_V1 = 'j1';

export function encodeState(state: EmployeeState): string {
  return `${FORMAT_JSON_V1}${JSON.stringify([state.profile, state.partition, state.offset, state.version, state.last, state.dueAt, state.before])}`;
}

export function decodeState(raw: string): EmployeeState {
  if (!raw.startsWith(FORMAT_JSON_V1)) throw new Error(`unknown employee state format ${raw.slice(0, 2)}`);
  const [profile, partition, offset, version, last, dueAt, before] = JSON.parse(raw.slice(2)) as [
    EmployeeState['profile'],
    number,
    number,
    number,
    EmployeeState['last'],
    number | null,
    EmployeeState['before'] | undefined,
  ];
  return { profile, partition, offset, version, last, dueAt, before: before ?? {} };
}
