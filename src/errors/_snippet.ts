/**
 * Quotes a value for an error message, truncated to `max` characters with an
 * ellipsis, so a huge line never ends up in a message whole.
 */
export function snippet(value: string, max = 40): string {
  const short = value.length > max ? `${value.slice(0, max)}…` : value;
  return `'${short}'`;
}
