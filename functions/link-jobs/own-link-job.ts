/**
 * A link job is the business of the person who started it, as they stand now:
 * anyone else in the study, or they themselves once placed in another data
 * access group, is answered exactly as if it did not exist.
 */
import type { StudyCaller } from '../http/researcher-handler.js';
import { HttpError } from '../http/errors.js';
import { getLinkJob, type StoredLinkJob } from '../storage/link-jobs.js';

export function visibleTo(job: StoredLinkJob, caller: StudyCaller): boolean {
  if (job.requestedBy !== caller.userId) return false;
  const group = caller.access.group;
  return !group || (job.group?.attribute === group.attribute && job.group.value === group.value);
}

export async function ownLinkJob(path: { studyId?: string; jobId?: string }, caller: StudyCaller): Promise<StoredLinkJob> {
  const job = await getLinkJob(path.studyId ?? '', path.jobId ?? '');
  if (!job || !visibleTo(job, caller)) throw new HttpError(404, 'link_job_not_found', 'There is no such link job');
  return job;
}
