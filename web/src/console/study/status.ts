/** Where a participant stands in a wave, as the progress table and the participants list name it, in this order. */
export const STATUS_ROWS = [
  ['invited', 'Invited'],
  ['opened', 'Opened'],
  ['consented', 'Consented'],
  ['in_progress', 'In progress'],
  ['completed', 'Completed'],
  ['declined', 'Declined'],
  ['withdrawn', 'Withdrawn'],
] as const;
