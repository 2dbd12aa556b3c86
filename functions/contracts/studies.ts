/** Contracts of study setup: studies, consent texts and waves. */
import * as z from 'zod/mini';
import { LocalisedText } from './common.js';
import { SupportContact } from './respondent.js';

const Slug = z.string().check(z.regex(/^[a-z][a-z0-9-]{1,40}$/, 'use 2–41 lower-case letters, digits and hyphens, starting with a letter'));
const IsoTime = z.iso.datetime({ offset: true });

const ParticipantAttributeFields = {
  id: z.string().check(z.regex(/^[a-z][a-z0-9_]{0,40}$/, 'use lower-case letters, digits and underscores')),
  label: LocalisedText,
  /** Allowed values; categories keep participants hard to identify. */
  values: z.array(z.object({ value: z.string().check(z.minLength(1), z.maxLength(60)), label: LocalisedText })).check(z.minLength(1)),
  /** Counts towards k-anonymity in exports (issue #6). */
  quasiIdentifier: z.boolean(),
  /** Why an attribute is not a quasi-identifier: asked for when quasiIdentifier is false, and printed in every export's README. */
  notQuasiIdentifierBecause: z.optional(z.string().check(z.maxLength(500))),
};

/** A participant attribute as a study holds it (studies created before a reason was asked for may have none). */
export const StoredParticipantAttribute = z.object(ParticipantAttributeFields);

/**
 * A participant attribute the study declares (e.g. local authority): the only
 * data kept about a participant besides their code. A quasi-identifier unless
 * the study says otherwise, and says why: a fact kept about every participant
 * is usually one that someone who knows them knows too.
 */
export const ParticipantAttribute = z
  .object({ ...ParticipantAttributeFields, quasiIdentifier: z._default(z.boolean(), true) })
  .check(
    z.refine((attribute) => attribute.quasiIdentifier || (attribute.notQuasiIdentifierBecause ?? '').trim().length > 0, {
      message: 'say why this attribute is not a quasi-identifier (notQuasiIdentifierBecause), or leave it one',
      path: ['notQuasiIdentifierBecause'],
    }),
  );
export type ParticipantAttribute = z.infer<typeof ParticipantAttribute>;

const CodeValue = z.string().check(z.minLength(1), z.maxLength(60));

/** One level of a generalisation hierarchy: groups of a quasi-identifier's exact values (e.g. local authorities by region). */
export const HierarchyLevel = z.strictObject({
  id: z.string().check(z.regex(/^[a-z][a-z0-9_]{0,40}$/, 'use lower-case letters, digits and underscores')),
  label: LocalisedText,
  groups: z
    .array(z.strictObject({ value: CodeValue, label: LocalisedText, members: z.array(CodeValue).check(z.minLength(1), z.maxLength(200)) }))
    .check(z.minLength(1), z.maxLength(100)),
});
export type HierarchyLevel = z.infer<typeof HierarchyLevel>;

/**
 * How an export may coarsen one quasi-identifier (an attribute, or a question
 * with the instrument that asks it) rather than suppress it, and how much the
 * study wants it kept exact.
 */
export const QuasiIdentifierControl = z.strictObject({
  /** For a question: the instrument that asks it, whose published versions give the values every level must map. */
  instrument: z.optional(z.string().check(z.regex(/^[a-z][a-z0-9-]{0,62}$/, 'name an instrument id'))),
  /** 1 is kept exact first, then 2 …; without one, after every quasi-identifier that has one. */
  priority: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(100))),
  /** Coarser levels, finest first, each joining whole groups of the one before (e.g. region, then Wales); above the last the value is withheld. */
  levels: z.optional(z.array(HierarchyLevel).check(z.maxLength(5))),
});
export type QuasiIdentifierControl = z.infer<typeof QuasiIdentifierControl>;

/** Per quasi-identifier (attribute id or question name): its hierarchy and priority. */
export const DisclosureControl = z
  .record(z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_]{0,60}$/, 'name a declared attribute or a question')), QuasiIdentifierControl)
  .check(z.refine((controls) => Object.keys(controls).length <= 40, 'declare at most 40 quasi-identifiers'));
export type DisclosureControl = z.infer<typeof DisclosureControl>;

/** A consent version id: short, and safe in keys, URLs and file names. */
export const ConsentVersionId = z
  .string()
  .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'use 1–100 letters, digits, dots, hyphens and underscores, starting with a letter or digit'));

/** One language of a consent text: not blank, and short enough to read on a phone (and to keep the item far under DynamoDB's 400 KB). */
const ConsentWording = z.string().check(
  z.maxLength(10_000, 'a consent text is at most 10,000 characters'),
  z.refine((text) => text.trim() !== '', 'write the consent text'),
);

/** A consent text version, in both languages: the study's first (with the study) and every later one. */
export const ConsentText = z.strictObject({
  version: ConsentVersionId,
  text: z.strictObject({ en: ConsentWording, cy: ConsentWording }),
});

/** A name participants see, in both languages: short enough for a phone's heading. */
const PublicWording = z.string().check(
  z.maxLength(80, 'keep it to 80 characters: it is a heading on a phone'),
  z.refine((text) => text.trim() !== '', 'write it in both English and Welsh'),
);
const PublicName = z.strictObject({ en: PublicWording, cy: PublicWording });

/** POST /api/studies */
export const CreateStudyRequest = z.strictObject({
  studyId: Slug,
  title: LocalisedText,
  /**
   * What a participant's phone shows instead of the title: a neutral name
   * that does not say what the study is about (someone else may read the
   * phone), e.g. "Your say" / "Eich llais". The title when absent.
   */
  publicTitle: z.optional(PublicName),
  supportContacts: z.array(SupportContact).check(z.maxLength(10)),
  attributes: z.array(ParticipantAttribute).check(z.maxLength(20)),
  /** Questions whose answers are quasi-identifiers (e.g. ctx_gender): exports protect them with the quasi-identifier attributes. */
  quasiIdentifierItems: z.optional(z.array(z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_]{0,60}$/, 'use a question name'))).check(z.maxLength(20))),
  consent: ConsentText,
  /**
   * The declared attribute whose values are the study's data access groups
   * (typically local_authority): a member placed in a group sees only the
   * participants with that value.
   */
  groupBy: z.optional(z.string().check(z.regex(/^[a-z][a-z0-9_]{0,40}$/, 'name a declared attribute'))),
  /** Where messages for the study's team go (a participant asked for a check-in); the platform's address when absent. */
  teamEmail: z.optional(z.email('give an email address, e.g. leaving-care-team@council.gov.wales').check(z.maxLength(254))),
  /** Generalisation hierarchies and priorities of quasi-identifiers, for exports' small-cell protection. */
  disclosureControl: z.optional(DisclosureControl),
});
export type CreateStudyRequest = z.infer<typeof CreateStudyRequest>;

export const WaveWindow = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fixed'), opensAt: IsoTime, closesAt: IsoTime }),
  /** Opens for each participant a number of days after they completed the baseline, for a number of days. */
  z.strictObject({
    kind: z.literal('relative'),
    opensAfterDays: z.number().check(z.int(), z.minimum(1), z.maximum(3650)),
    openForDays: z.number().check(z.int(), z.minimum(1), z.maximum(365)),
  }),
]);
export type WaveWindow = z.infer<typeof WaveWindow>;

/** Reminder emails, counted in days from each participant's invitation email (e.g. [7, 14]). */
export const ReminderSchedule = z.strictObject({
  afterDays: z
    .array(z.number().check(z.int(), z.minimum(1), z.maximum(365)))
    .check(
      z.minLength(1),
      z.maxLength(5),
      z.refine((days) => days.every((day, i) => i === 0 || day > days[i - 1]!), 'list the days in increasing order, each once'),
    ),
});
export type ReminderSchedule = z.infer<typeof ReminderSchedule>;

/** POST /api/studies/{studyId}/waves */
export const CreateWaveRequest = z.strictObject({
  waveId: Slug,
  name: LocalisedText,
  /** What participants see for this wave (e.g. "Six months on"); they see no wave name when absent: the name is the team's. */
  publicName: z.optional(PublicName),
  /** 0 = baseline; follow-ups count up. */
  ordinal: z.number().check(z.int(), z.minimum(0), z.maximum(20)),
  window: WaveWindow,
  // The pins and the consent version are looked up by key: bounded well under DynamoDB's 1024-byte key parts.
  instruments: z
    .array(z.strictObject({ id: z.string().check(z.maxLength(63, 'is not an instrument id')), version: z.string().check(z.maxLength(40, 'is not a version')) }))
    .check(z.minLength(1), z.maxLength(10)),
  consentVersion: ConsentVersionId,
  /** Registration references for instruments whose owners require registration, by instrument id. */
  registrations: z.optional(z.record(z.string(), z.string().check(z.maxLength(200)))),
  /** Optional: remind participants whose link was emailed and who have not finished. */
  reminders: z.optional(ReminderSchedule),
});
export type CreateWaveRequest = z.infer<typeof CreateWaveRequest>;

export const CreateWaveResult = z.object({
  waveId: z.string(),
  /** Follow-up waves pinning other versions than baseline: which scales stay comparable. */
  warnings: z.array(z.object({ instrumentId: z.string(), message: z.string() })),
});
export type CreateWaveResult = z.infer<typeof CreateWaveResult>;

/** POST /api/studies/{studyId}/consents: a new consent text version. Versions never change: a changed text is a new version. */
export const AddConsentTextRequest = ConsentText;
export type AddConsentTextRequest = z.infer<typeof AddConsentTextRequest>;

export const ConsentTextSummary = z.object({ version: z.string(), text: LocalisedText, createdAt: z.string() });
export type ConsentTextSummary = z.infer<typeof ConsentTextSummary>;

/** 201 when created; 200 when exactly this text was already stored under this version (a repeat is harmless). */
export const AddConsentTextResult = z.object({ version: z.string(), created: z.boolean() });
export type AddConsentTextResult = z.infer<typeof AddConsentTextResult>;

/** GET /api/studies/{studyId}/consents: every consent text version, oldest first. */
export const ConsentTextList = z.object({ consents: z.array(ConsentTextSummary) });
export type ConsentTextList = z.infer<typeof ConsentTextList>;
