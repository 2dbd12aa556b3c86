/**
 * One study: its tabs, and the tab asked for, as the caller's role in the
 * study allows (StudyList's `role`, never the platform role alone): owners
 * and researchers get the researchers' tools; analysts the design, exports and
 * SROI; a platform admin who is not a member only the title and the members
 * page, where they can add themselves. The server decides access: this only
 * spares people buttons that would be refused.
 */
import { Suspense, lazy, useCallback } from 'react';
import type { StudyList } from '../../../functions/contracts/researcher.js';
import { AnalystStudyPage } from './AnalystStudyPage';
import { listStudies } from './consoleApi';
import { StudyPage } from './StudyPage';
import { ExportsView } from './study/Exports';
import { AddMeForm, MembersPage } from './study/Members';
import { PageLink, STUDIES_PATH, exportsPath, membersPath, sroiPath, studyPath, useLoad, useSession, type Study } from './ui';

// The SROI code (full zod, the analysis, fflate) is a chunk of its own, fetched only on that page.
const SroiView = lazy(() => import('./study/SroiView'));

export type StudyView = 'page' | 'exports' | 'sroi' | 'members';

/** The sections of a study the caller's role in it opens, as tabs (links: each is a page of its own). */
function StudyTabs({ study, view }: { study: Study; view: StudyView }) {
  const anonymisedData = study.role === 'owner' || study.role === 'analyst';
  const tabs: { view: StudyView; label: string; href: string }[] = [
    { view: 'page', label: 'Overview', href: studyPath(study.studyId) },
    { view: 'members', label: 'Members', href: membersPath(study.studyId) },
    ...(anonymisedData
      ? [
          { view: 'exports' as const, label: 'Exports', href: exportsPath(study.studyId) },
          { view: 'sroi' as const, label: 'SROI', href: sroiPath(study.studyId) },
        ]
      : []),
  ];
  return (
    <nav className="console-tabs no-print" aria-label={`Sections of ${study.title.en}`}>
      <ul>
        {tabs.map((tab) => (
          <li key={tab.view}>
            <PageLink to={tab.href} aria-current={tab.view === view ? 'page' : undefined}>
              {tab.label}
            </PageLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * A platform admin on a study they are not a member of: its title, why
 * nothing else is shown, and the way to add themselves (audited, and shown on
 * the members page).
 */
function NonMemberStudyPage(props: { study: Study; onJoined(): void }) {
  const { study } = props;
  return (
    <>
      <h1>
        {study.title.en} <span className="muted">{study.studyId}</span>
      </h1>
      <p className="notice">
        You are not a member of this study. Reading its participants, answers or data needs membership, even for a platform admin: add yourself below, or ask an owner
        to add you. Adding yourself is recorded in the study's audit log and shown on its <PageLink to={membersPath(study.studyId)}>members page</PageLink>.
      </p>
      <AddMeForm study={study} onAdded={props.onJoined} />
    </>
  );
}

export function StudyRoute(props: { studyId: string; view: StudyView }) {
  const { token } = useSession();
  const load = useCallback(() => listStudies(token), [token]);
  const studies = useLoad<StudyList>(load);
  const { data, reload } = studies;
  const study = data?.studies.find((s) => s.studyId === props.studyId);
  const anonymisedData = study?.role === 'owner' || study?.role === 'analyst';
  const participantWork = study?.role === 'owner' || study?.role === 'researcher';

  return (
    <>
      <p>
        <PageLink to={STUDIES_PATH}>← Studies</PageLink>
        {props.view !== 'page' && (
          <>
            {' · '}
            <PageLink to={studyPath(props.studyId)}>{study?.title.en ?? props.studyId}</PageLink>
          </>
        )}
      </p>
      {!data && !studies.problem && <p className="muted">Loading the study…</p>}
      {studies.problem && <p className="notice notice-warn">{studies.problem.message}</p>}
      {data && !study && <p className="notice notice-warn">There is no study called {props.studyId}, or you are not a member of it.</p>}
      {study && <StudyTabs study={study} view={props.view} />}
      {study && props.view === 'members' && <MembersPage study={study} onMembershipChanged={reload} />}
      {study && (props.view === 'exports' || props.view === 'sroi') && !anonymisedData && (
        <p className="notice notice-warn">Dataset exports and the SROI analysis are for the study's owners and analysts.</p>
      )}
      {study && props.view === 'exports' && anonymisedData && <ExportsView study={study} />}
      {study && props.view === 'sroi' && anonymisedData && (
        <Suspense fallback={<p className="muted">Loading the SROI analysis…</p>}>
          <SroiView study={study} />
        </Suspense>
      )}
      {study && props.view === 'page' && study.role === null && <NonMemberStudyPage study={study} onJoined={reload} />}
      {study && props.view === 'page' && study.role === 'analyst' && <AnalystStudyPage study={study} />}
      {study && props.view === 'page' && participantWork && <StudyPage study={study} reload={reload} />}
    </>
  );
}
