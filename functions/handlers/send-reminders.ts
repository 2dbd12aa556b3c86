/** POST /api/studies/{studyId}/waves/{waveId}/reminders: send the wave's due reminders now (the daily schedule does the same). */
import type { SendRemindersResult } from '../contracts/participants.js';
import { studyHandler } from '../http/researcher-handler.js';
import { HttpError } from '../http/errors.js';
import { json } from '../http/responses.js';
import { auditReminderRun, participantMail, sendDueReminders } from '../notifications/participant-mail.js';
import { getStudy, getWave } from '../storage/studies.js';
import { seesParticipant } from '../domain/study-access.js';

export const handler = studyHandler('SendReminders', async (event, researcher) => {
  const { studyId = '', waveId = '' } = event.pathParameters ?? {};
  const [study, wave] = await Promise.all([getStudy(studyId), getWave(studyId, waveId)]);
  if (!study || !wave) throw new HttpError(404, 'wave_not_found', 'There is no such wave in this study');
  if (!wave.reminders) throw new HttpError(409, 'no_reminder_schedule', 'This wave has no reminder schedule');
  const mail = participantMail();
  if (!mail) throw new HttpError(503, 'email_not_configured', 'This installation cannot send email');

  const run = await sendDueReminders(mail, study, wave, new Date(), (participant) => seesParticipant(researcher.access, participant));
  await auditReminderRun(studyId, researcher.userId, run);
  const result: SendRemindersResult = run;
  return json(200, result);
});
