/**
 * The studies list: each study as the caller's role in it allows, a new study
 * (admins and researchers), and (admins) the way to the people page and the
 * platform's audit log.
 */
import { useCallback, useState } from 'react';
import type { StudyList } from '../../../functions/contracts/researcher.js';
import { listStudies } from './consoleApi';
import { NewStudyForm } from './NewStudyForm';
import { AuditSection } from './study/AuditLog';
import { INSTRUMENTS_PATH, PEOPLE_PATH, PageLink, exportsPath, groupLabel, membersPath, sroiPath, studyPath, useLoad, useSession, wavePath, windowText, type Study } from './ui';

export function StudiesPage() {
  const { token, role, navigate } = useSession();
  const load = useCallback(() => listStudies(token), [token]);
  const studies = useLoad<StudyList>(load);
  // A failed read shows its message in place of the list.
  const list = studies.problem ? null : studies.data;
  const [creating, setCreating] = useState(false);

  return (
    <>
      <p className="console-nav">
        <PageLink to={INSTRUMENTS_PATH}>Instrument library</PageLink>
        {role === 'admin' && (
          <>
            {' · '}
            <PageLink to={PEOPLE_PATH}>People: researcher accounts</PageLink>
          </>
        )}
      </p>
      <h1>Studies</h1>
      {!studies.data && !studies.problem && <p className="muted">Loading studies…</p>}
      {studies.problem && <p className="notice notice-warn">{studies.problem.message}</p>}
      {list && list.studies.length === 0 && <p>{role === 'analyst' ? "No studies yet: a study's owner adds you to theirs." : 'No studies yet.'}</p>}
      {list && list.studies.map((study) => <StudyCard key={study.studyId} study={study} />)}
      {/* Whoever creates a study is its first owner: admins and researchers may. */}
      {role !== 'analyst' &&
        (creating ? (
          <section className="console-card">
            <NewStudyForm onCreated={(studyId) => navigate(studyPath(studyId))} />
            <button type="button" className="console-link-button" onClick={() => setCreating(false)}>
              Cancel
            </button>
          </section>
        ) : (
          <p>
            <button type="button" className="button-primary" onClick={() => setCreating(true)}>
              New study
            </button>
          </p>
        ))}
      {role === 'admin' && <AuditSection scopes={['_platform', ...(list ? list.studies.map((s) => s.studyId) : [])]} />}
    </>
  );
}

const STUDY_ROLE_TEXT: Record<NonNullable<Study['role']>, string> = {
  owner: 'You own this study',
  researcher: 'You are a researcher in this study',
  analyst: 'You are an analyst in this study',
};

/** One study in the list, as the caller's role in it allows. */
function StudyCard({ study }: { study: Study }) {
  const participantWork = study.role === 'owner' || study.role === 'researcher';
  const anonymisedData = study.role === 'owner' || study.role === 'analyst';
  return (
    <section className="console-card">
      <h2>
        <PageLink to={studyPath(study.studyId)}>{study.title.en}</PageLink>
      </h2>
      <p className="muted">
        {study.studyId}
        {study.role ? ` · ${STUDY_ROLE_TEXT[study.role]}` : ''}
        {study.group ? ` · participants of ${groupLabel(study, study.group)} only` : ''}
      </p>
      {study.publicTitle && (
        <p className="muted">
          Participants see it as “{study.publicTitle.en}” / <span lang="cy">“{study.publicTitle.cy}”</span>
        </p>
      )}
      {study.role === null ? (
        <p>You are not a member of this study. As a platform admin you can see its members, and add yourself to work in it.</p>
      ) : study.waves.length === 0 ? (
        <p>No waves.</p>
      ) : (
        <ul className="console-waves">
          {study.waves.map((wave) => (
            <li key={wave.waveId}>
              {/* Answers come with participant codes: the responses page is for owners and researchers only. */}
              {participantWork ? <PageLink to={wavePath(study.studyId, wave.waveId)}>{wave.name.en}</PageLink> : wave.name.en}{' '}
              <span className="muted">{windowText(wave.window)}</span>
            </li>
          ))}
        </ul>
      )}
      <p>
        <PageLink to={membersPath(study.studyId)}>
          Members<span className="visually-hidden"> of {study.title.en}</span>
        </PageLink>
        {anonymisedData && (
          <>
            {' '}
            ·{' '}
            <PageLink to={exportsPath(study.studyId)}>
              Dataset exports<span className="visually-hidden"> of {study.title.en}</span>
            </PageLink>{' '}
            ·{' '}
            <PageLink to={sroiPath(study.studyId)}>
              SROI analysis<span className="visually-hidden"> of {study.title.en}</span>
            </PageLink>
          </>
        )}
      </p>
    </section>
  );
}
