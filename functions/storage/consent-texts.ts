/**
 * Adding and listing a study's consent text versions after the study exists
 * (the first version is written with the study: studies.ts). Versions are
 * immutable: the same version again with the same text is a harmless repeat,
 * with another text it is refused.
 */
import type { LocalisedText } from '../contracts/common.js';
import { writeAudited, type AuditNote } from './audit.js';
import { isConditionalCheckFailed, queryAll, tableName } from './client.js';
import { keys } from './keys.js';
import { consentTextItem, type ConsentText } from './studies.js';

type AddConsentOutcome = 'created' | 'unchanged' | 'conflict';

export async function addConsentText(consent: ConsentText, audit?: AuditNote): Promise<AddConsentOutcome> {
  try {
    // One conditional Put: two researchers adding the same version at once cannot both write it.
    await writeAudited(
      {
        Put: {
          TableName: tableName(),
          Item: consentTextItem(consent),
          ConditionExpression: 'attribute_not_exists(PK)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      audit,
    );
    return 'created';
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    // The failed condition hands back the stored item (raw attribute values): compare, without a second read.
    const stored = (error as { Item?: { text?: { M?: { en?: { S?: string }; cy?: { S?: string } } } } }).Item;
    const text = stored?.text?.M;
    return text?.en?.S === consent.text.en && text?.cy?.S === consent.text.cy ? 'unchanged' : 'conflict';
  }
}

export async function listConsentTexts(studyId: string): Promise<{ version: string; text: LocalisedText; createdAt: string }[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :consent)',
    ExpressionAttributeValues: { ':pk': keys.study(studyId).PK, ':consent': 'CONSENT#' },
  });
  return items
    .map((item) => ({ version: String(item.version), text: item.text as LocalisedText, createdAt: String(item.createdAt) }))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.version.localeCompare(b.version));
}
