/** `a, b, , c` → `['a', 'b', 'c']`: comma-separated form fields. */
export const splitList = (text: string) =>
  text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
