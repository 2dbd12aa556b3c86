/** POST /api/s/{token}/check-in: "Yes, please get in touch with me". Tells the team; shares no answers. */
import { CheckInRequest, type CheckInResult } from '../contracts/respondent.js';
import { apiHandler } from '../http/api-handler.js';
import { parseJsonBody } from '../http/body.js';
import { openPersonalLink } from '../http/personal-link.js';
import { json } from '../http/responses.js';
import { studyTeamNotifier } from '../notifications/study-team-notifier.js';
import { recordCheckInRequest } from '../storage/check-ins.js';

export const handler = apiHandler('RequestCheckIn', async (event) => {
  const { language } = parseJsonBody(event, CheckInRequest);
  const { study, wave, participant } = await openPersonalLink(event, new Date());
  const { record, created } = await recordCheckInRequest({
    studyId: study.studyId,
    waveId: wave.waveId,
    participantCode: participant.participantCode,
    language,
    requestedAt: new Date().toISOString(),
  });
  if (created) {
    await studyTeamNotifier(study).notify({
      studyId: study.studyId,
      participantCode: participant.participantCode,
      subject: `Check-in requested: ${participant.participantCode} (${study.title.en}, ${wave.name.en})`,
      body:
        `Participant ${participant.participantCode} in "${study.title.en}" (${wave.name.en}) asked for someone to get in touch with them. They were told the study team will, or will ask their personal adviser to if they have one. ` +
        `They prefer ${language === 'cy' ? 'Welsh' : 'English'}. No answers are included in this message.`,
    });
  }
  const result: CheckInResult = { requestedAt: record.requestedAt };
  return json(200, result);
});
