/**
 * A study's page for its owners and researchers: waves, participants, links,
 * progress, withdrawals, check-ins and (platform admins) the audit log. Owners
 * also add waves and consent versions. A member placed in a data access group
 * is told so wherever participants are counted or listed (the server already
 * limits what they get); an ungrouped member of a study with groups can look
 * at one group.
 *
 * Each section is a file of its own in study/; this page puts them in order
 * and holds what they share: the links just issued (shown once, printed from
 * here) and when the participants' standing last changed.
 */
import { useCallback, useMemo, useState } from 'react';
import { AuditSection } from './study/AuditLog';
import { CheckInsSection } from './study/CheckIns';
import { ConsentSection, useConsentTexts } from './study/ConsentTexts';
import { GroupNote } from './study/groups';
import { ImportSection } from './study/ImportParticipants';
import { LinksSection, useIssuedLinks } from './study/Links';
import { ParticipantList } from './study/ParticipantList';
import { PrintSheet } from './study/PrintSheet';
import { ProgressSection } from './study/Progress';
import { SentMessages } from './study/SentMessages';
import { WavesSection } from './study/Waves';
import { WithdrawSection } from './study/Withdraw';
import { PageLink, exportsPath, sroiPath, useSession, type Study } from './ui';

export function StudyPage(props: { study: Study; reload(): void }) {
  const { study } = props;
  const { role } = useSession();
  const owner = study.role === 'owner';
  const [printing, setPrinting] = useState(false);
  // Bumped whenever participants' standing changes (an import, links issued, a withdrawal): the sections that show it read again.
  const [progressVersion, setProgressVersion] = useState(0);
  const waves = [...study.waves].sort((a, b) => a.ordinal - b.ordinal);
  const bumpProgress = useCallback(() => setProgressVersion((v) => v + 1), []);
  const links = useIssuedLinks(study, bumpProgress);
  const consentTexts = useConsentTexts(study.studyId);
  const consentVersions = useMemo(() => consentTexts.consents?.map((c) => c.version) ?? null, [consentTexts.consents]);

  if (printing && links.issued) return <PrintSheet studyTitle={study.title} issued={links.issued} onBack={() => setPrinting(false)} />;

  return (
    <>
      <h1>
        {study.title.en} <span className="muted">{study.studyId}</span>
      </h1>
      <nav aria-label="On this page" className="console-toc no-print">
        <a href="#consents">Consent texts</a> · <a href="#waves">Waves</a> · <a href="#participants">Import</a> · <a href="#links">Links</a> · <a href="#participant-list">Participants</a> ·{' '}
        <a href="#progress">Progress</a> · <a href="#withdraw">Withdraw</a> · <a href="#check-ins">Check-ins</a> · <a href="#messages">Sent messages</a>
        {/* The audit log is the platform admins'; exports and SROI are for the study's owners (and analysts). */}
        {role === 'admin' && (
          <>
            {' '}
            · <a href="#audit">Audit log</a>
          </>
        )}
        {owner && (
          <>
            {' '}
            · <PageLink to={exportsPath(study.studyId)}>Dataset exports</PageLink> ·{' '}
            <PageLink to={sroiPath(study.studyId)}>SROI analysis</PageLink>
          </>
        )}
      </nav>
      {study.group && <GroupNote study={study} />}

      <ConsentSection studyId={study.studyId} consents={consentTexts.consents} problem={consentTexts.problem} onAdded={consentTexts.reload} canAdd={owner} />
      <WavesSection study={study} consentVersions={consentVersions} onCreated={props.reload} />
      <ImportSection studyId={study.studyId} onImported={bumpProgress} />
      <LinksSection
        study={study}
        waves={waves}
        issued={links.issued}
        onIssued={links.show}
        onPrint={() => setPrinting(true)}
        onDismiss={links.dismiss}
        reissue={links.reissue}
      />
      <ParticipantList
        study={study}
        version={progressVersion}
        onReissue={(waveId, codes, delivery, confirmRecentContactChanges) => links.reissue(waveId, codes, delivery, false, confirmRecentContactChanges)}
      />
      <ProgressSection study={study} version={progressVersion} />
      <WithdrawSection studyId={study.studyId} onDone={bumpProgress} />
      <CheckInsSection studyId={study.studyId} teamEmail={study.teamEmail} />
      <SentMessages studyId={study.studyId} version={progressVersion} />
      {role === 'admin' && <AuditSection scopes={[study.studyId, '_platform']} />}
    </>
  );
}
