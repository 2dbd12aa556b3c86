/** A study as the study list gives it (with the caller's role in it), and how its parts are named on screen. */
import type { StudyList } from '../../../../functions/contracts/researcher.js';
import { formatDateTime } from './format';

export type Study = StudyList['studies'][number];
export type Wave = Study['waves'][number];

export function windowText(window: Wave['window']): string {
  if (window.kind === 'fixed') return `${formatDateTime(window.opensAt)} – ${formatDateTime(window.closesAt)}`;
  return `opens ${window.opensAfterDays} days after baseline, for ${window.openForDays} days`;
}

/** A group's name as the study declares it (the grouping attribute's value label), or the value itself. */
export function groupLabel(study: Pick<Study, 'attributes' | 'groupBy'>, value: string): string {
  const attribute = study.attributes.find((a) => a.id === study.groupBy);
  return attribute?.values.find((v) => v.value === value)?.label.en ?? value;
}
