/** What the links and participants sections share: how links reach participants, and the links just issued. */
import type { IssueLinksResult } from '../../../../functions/contracts/participants.js';
import type { SheetLink } from '../linkSheet';

export type Delivery = 'sheet' | 'email';

/**
 * Links just issued, and those skipped, with why. Links issued at once are
 * shown only now (they are stored only as hashes); a link job's sheet can be
 * downloaded again until `availableUntil`.
 */
export type Issued = {
  waveId: string;
  waveName: string;
  links: SheetLink[];
  skipped: IssueLinksResult['skipped'];
  reissue: boolean;
  delivery: Delivery;
  emailed: string[];
  availableUntil?: string | undefined;
};
