/**
 * A study's design that the export cannot lay out. Unlike a failure on the
 * way (a timeout, a throttled read), running the export again cannot help, so
 * the reason goes to the person who asked, in the console and the CLI: it
 * names instruments, questions and columns, never data.
 */
export class ExportNotPossible extends Error {
  override name = 'ExportNotPossible';
}
