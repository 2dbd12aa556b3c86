/** The link sheet: built in the browser from the one response that holds the tokens. */
export type SheetLink = { participantCode: string; link: string };

/** RFC 4180 cell: quoted when it holds a comma, quote or line break (codes and links never start with a formula character). */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function linkSheetCsv(links: readonly SheetLink[]): string {
  const rows = [['participant_code', 'link'], ...links.map((l) => [l.participantCode, l.link])];
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Saves a Blob as a file through a temporary object URL. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
