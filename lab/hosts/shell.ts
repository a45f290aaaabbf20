/** Single-quotes a value for /bin/sh so it is always one literal word. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
