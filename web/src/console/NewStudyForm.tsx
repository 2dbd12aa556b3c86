/** A new study (admins and researchers: its creator is its first owner). */
import { useState, type FormEvent } from 'react';
import { CreateStudyRequest } from '../../../functions/contracts/studies.js';
import { createStudy } from './consoleApi';
import { ProblemBox, formProblem, splitList, useAction, useSession } from './ui';

type AttributeDraft = { id: string; labelEn: string; labelCy: string; values: string; quasiIdentifier: boolean; notQuasiIdentifierBecause: string };
type ContactDraft = { nameEn: string; nameCy: string; descriptionEn: string; descriptionCy: string; phone: string; url: string };

export function NewStudyForm(props: { onCreated(studyId: string): void }) {
  const { token } = useSession();
  const [studyId, setStudyId] = useState('');
  const [titleEn, setTitleEn] = useState('');
  const [titleCy, setTitleCy] = useState('');
  const [publicEn, setPublicEn] = useState('');
  const [publicCy, setPublicCy] = useState('');
  const [consentVersion, setConsentVersion] = useState('v1');
  const [consentEn, setConsentEn] = useState('');
  const [consentCy, setConsentCy] = useState('');
  const [attributes, setAttributes] = useState<AttributeDraft[]>([]);
  const [contacts, setContacts] = useState<ContactDraft[]>([]);
  const [groupBy, setGroupBy] = useState('');
  const [teamEmail, setTeamEmail] = useState('');
  const action = useAction();
  // Groups come from a declared attribute: the choice lapses when that attribute is renamed or removed.
  const declared = attributes.map((a) => a.id.trim()).filter((id, i, ids) => id !== '' && ids.indexOf(id) === i);
  const grouping = declared.includes(groupBy) ? groupBy : '';

  const setAttribute = (i: number, change: Partial<AttributeDraft>) => setAttributes((list) => list.map((a, j) => (j === i ? { ...a, ...change } : a)));
  const setContact = (i: number, change: Partial<ContactDraft>) => setContacts((list) => list.map((c, j) => (j === i ? { ...c, ...change } : c)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const request = CreateStudyRequest.safeParse({
      studyId: studyId.trim(),
      title: { en: titleEn.trim(), cy: titleCy.trim() },
      ...(publicEn.trim() || publicCy.trim() ? { publicTitle: { en: publicEn.trim(), cy: publicCy.trim() } } : {}),
      consent: { version: consentVersion.trim(), text: { en: consentEn, cy: consentCy } },
      ...(grouping ? { groupBy: grouping } : {}),
      ...(teamEmail.trim() ? { teamEmail: teamEmail.trim() } : {}),
      attributes: attributes.map((a) => ({
        id: a.id.trim(),
        label: { en: a.labelEn.trim(), cy: a.labelCy.trim() || a.labelEn.trim() },
        values: splitList(a.values).map((value) => ({ value, label: { en: value, cy: value } })),
        quasiIdentifier: a.quasiIdentifier,
        ...(a.quasiIdentifier ? {} : { notQuasiIdentifierBecause: a.notQuasiIdentifierBecause.trim() }),
      })),
      supportContacts: contacts.map((c) => ({
        name: { en: c.nameEn.trim(), cy: c.nameCy.trim() || c.nameEn.trim() },
        description: { en: c.descriptionEn.trim(), cy: c.descriptionCy.trim() || c.descriptionEn.trim() },
        ...(c.phone.trim() ? { phone: c.phone.trim() } : {}),
        ...(c.url.trim() ? { url: c.url.trim() } : {}),
      })),
    });
    if (!request.success) return action.setProblem(formProblem(request.error));
    await action.run(async () => {
      const created = await createStudy(token, request.data);
      props.onCreated(created.studyId);
    });
  };

  return (
    <form className="console-form console-form-wide" onSubmit={submit} aria-labelledby="new-study-heading">
      <h2 id="new-study-heading">New study</h2>
      <label>
        Study id
        <input required value={studyId} onChange={(e) => setStudyId(e.target.value)} aria-describedby="study-id-hint" />
      </label>
      <p id="study-id-hint" className="muted console-hint">
        2–41 lower-case letters, digits and hyphens, starting with a letter. It can't be changed later.
      </p>
      <fieldset>
        <legend>Title</legend>
        <label>
          Title (English)
          <input required value={titleEn} onChange={(e) => setTitleEn(e.target.value)} />
        </label>
        <label>
          Title (Welsh)
          <input required value={titleCy} onChange={(e) => setTitleCy(e.target.value)} />
        </label>
      </fieldset>
      <fieldset aria-describedby="public-title-hint">
        <legend>Name participants see (optional)</legend>
        <p id="public-title-hint" className="muted console-hint">
          A participant's phone shows this instead of the title, and someone else may read their phone: choose a neutral name that does not say the study is
          about care, such as "Your say" / "Eich llais". Empty: the title.
        </p>
        <label>
          Name participants see (English)
          <input value={publicEn} maxLength={80} onChange={(e) => setPublicEn(e.target.value)} />
        </label>
        <label>
          Name participants see (Welsh)
          <input value={publicCy} maxLength={80} onChange={(e) => setPublicCy(e.target.value)} />
        </label>
      </fieldset>
      <label>
        Study team's email (optional)
        <input type="email" value={teamEmail} onChange={(e) => setTeamEmail(e.target.value)} aria-describedby="team-email-hint" />
      </label>
      <p id="team-email-hint" className="muted console-hint">
        Where check-in requests from participants go. Empty: the platform's study team address.
      </p>
      <fieldset>
        <legend>Consent</legend>
        <label>
          Consent version
          <input required value={consentVersion} onChange={(e) => setConsentVersion(e.target.value)} />
        </label>
        <label>
          Consent text (English)
          <textarea required rows={5} value={consentEn} onChange={(e) => setConsentEn(e.target.value)} />
        </label>
        <label>
          Consent text (Welsh)
          <textarea required rows={5} value={consentCy} onChange={(e) => setConsentCy(e.target.value)} />
        </label>
      </fieldset>
      <fieldset>
        <legend>Participant attributes</legend>
        <p className="muted console-hint">The only things kept about a participant besides their code. Use categories, never names or contact details.</p>
        {attributes.map((a, i) => (
          <fieldset key={i} className="console-subfieldset">
            <legend>Attribute {i + 1}</legend>
            <label>
              Attribute id
              <input required value={a.id} onChange={(e) => setAttribute(i, { id: e.target.value })} />
            </label>
            <label>
              Label (English)
              <input required value={a.labelEn} onChange={(e) => setAttribute(i, { labelEn: e.target.value })} />
            </label>
            <label>
              Label (Welsh)
              <input value={a.labelCy} onChange={(e) => setAttribute(i, { labelCy: e.target.value })} />
            </label>
            <label>
              Allowed values (comma-separated)
              <input required value={a.values} onChange={(e) => setAttribute(i, { values: e.target.value })} />
            </label>
            <label className="console-check">
              <input type="checkbox" checked={a.quasiIdentifier} onChange={(e) => setAttribute(i, { quasiIdentifier: e.target.checked })} />
              Quasi-identifier (counts towards k-anonymity in exports)
            </label>
            {!a.quasiIdentifier && (
              <label>
                Why can nobody who knows a participant use this to pick them out? (printed in every export)
                <textarea required rows={2} value={a.notQuasiIdentifierBecause} onChange={(e) => setAttribute(i, { notQuasiIdentifierBecause: e.target.value })} />
              </label>
            )}
            <button type="button" className="console-link-button" onClick={() => setAttributes((list) => list.filter((_, j) => j !== i))}>
              Remove attribute {i + 1}
            </button>
          </fieldset>
        ))}
        <button type="button" className="console-link-button" onClick={() => setAttributes((list) => [...list, { id: '', labelEn: '', labelCy: '', values: '', quasiIdentifier: true, notQuasiIdentifierBecause: '' }])}>
          Add attribute
        </button>
        <label>
          Data access groups: group participants by
          <select value={grouping} onChange={(e) => setGroupBy(e.target.value)} aria-describedby="group-by-hint">
            <option value="">No groups (every member sees the whole study)</option>
            {declared.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <p id="group-by-hint" className="muted console-hint">
          Optional. When several organisations share a study (for example local authorities), group its participants by one attribute: a member placed in a group sees
          only that group's participants. Owners always see the whole study.
        </p>
      </fieldset>
      <fieldset>
        <legend>Support contacts (optional)</legend>
        {contacts.map((c, i) => (
          <fieldset key={i} className="console-subfieldset">
            <legend>Contact {i + 1}</legend>
            <label>
              Name (English)
              <input required value={c.nameEn} onChange={(e) => setContact(i, { nameEn: e.target.value })} />
            </label>
            <label>
              Name (Welsh)
              <input value={c.nameCy} onChange={(e) => setContact(i, { nameCy: e.target.value })} />
            </label>
            <label>
              Description (English)
              <input required value={c.descriptionEn} onChange={(e) => setContact(i, { descriptionEn: e.target.value })} />
            </label>
            <label>
              Description (Welsh)
              <input value={c.descriptionCy} onChange={(e) => setContact(i, { descriptionCy: e.target.value })} />
            </label>
            <label>
              Phone
              <input type="tel" value={c.phone} onChange={(e) => setContact(i, { phone: e.target.value })} />
            </label>
            <label>
              Web address
              <input type="url" value={c.url} onChange={(e) => setContact(i, { url: e.target.value })} />
            </label>
            <button type="button" className="console-link-button" onClick={() => setContacts((list) => list.filter((_, j) => j !== i))}>
              Remove contact {i + 1}
            </button>
          </fieldset>
        ))}
        <button
          type="button"
          className="console-link-button"
          onClick={() => setContacts((list) => [...list, { nameEn: '', nameCy: '', descriptionEn: '', descriptionCy: '', phone: '', url: '' }])}
        >
          Add support contact
        </button>
      </fieldset>
      <ProblemBox problem={action.problem} />
      <button type="submit" className="button-primary" disabled={action.busy}>
        {action.busy ? 'Creating…' : 'Create study'}
      </button>
    </form>
  );
}
