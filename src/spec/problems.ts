import type { SpecPath } from './positions';

export interface Problem {
  path: SpecPath;
  message: string;
  severity: 'error' | 'warning';
  /** Point at the mapping key instead of its value. */
  at?: 'key' | 'value';
}

export class Problems {
  readonly list: Problem[] = [];
  error(path: SpecPath, message: string, at?: 'key' | 'value'): void {
    this.list.push({ path, message, severity: 'error', at });
  }
  warning(path: SpecPath, message: string): void {
    this.list.push({ path, message, severity: 'warning' });
  }
}
