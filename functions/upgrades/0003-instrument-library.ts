/**
 * Upgrade 0003: every instrument version published before the instrument
 * library (issue #22) gets its library entry, so the console's library and
 * wave form offer it. Publishing writes the entry with the version since then.
 *
 * It reads the whole table once (a scan: versions had no listing of their
 * own); on a large AWS table that is one read of every item, paid once. Who
 * published an old version was not kept with it: its entry says "not
 * recorded" (the audit log's `instrument.published` entries name them).
 * Each entry is written only if missing, so a second run changes nothing.
 */
import { addMissingLibraryEntry, scanPublishedVersions } from '../storage/instruments.js';
import type { Upgrade } from './upgrade.js';

export const instrumentLibrary: Upgrade = {
  id: '0003-instrument-library',
  async run() {
    const versions = await scanPublishedVersions();
    let listed = 0;
    for (const { instrument, publishedAt } of versions) {
      if (await addMissingLibraryEntry(instrument, publishedAt, null)) listed += 1;
    }
    return {
      did:
        versions.length === 0
          ? 'no instrument version published yet'
          : `${listed} of ${versions.length} published instrument version${versions.length === 1 ? '' : 's'} added to the instrument library`,
      notices: [],
      details: { versionsFound: versions.length, versionsListed: listed },
    };
  },
};
