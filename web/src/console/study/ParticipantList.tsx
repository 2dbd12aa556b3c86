/**
 * The study's participants a page at a time (100 rows: quick to draw and to
 * read, even for studies of thousands), found by code, with a reissue button
 * per wave. Contact details are never shown: only whether one is held.
 */
import { useEffect, useState } from 'react';
import type { ParticipantList as ParticipantPage } from '../../../../functions/contracts/participants.js';
import { listParticipants } from '../consoleApi';
import { Pager, ProblemBox, groupLabel, toProblem, useAction, usePages, useSession, type Study } from '../ui';
import { GroupFilter, GroupNote, groupChoices } from './groups';
import type { Delivery } from './types';
import { RecentContactChanges, recentlyChangedCodes } from './RecentContactChanges';
import { STATUS_ROWS } from './status';

const PAGE_SIZE = 100;
const STATUS_LABELS: Record<string, string> = Object.fromEntries([['not_invited', 'Not invited'], ...STATUS_ROWS]);
/** Looking at one group: the server's largest page, and at most this many of them per screen (then "Next" carries on). */
const SCAN_PAGE_SIZE = 500;
const SCAN_PAGES = 10;

/**
 * A page of participants; for one group (an ungrouped member looking at one),
 * server pages read on until a page's worth of that group's participants is
 * found, so that a page is never empty while later ones hold some.
 */
async function participantsPage(
  token: string,
  studyId: string,
  page: { after?: string; prefix?: string },
  group: { attribute: string; value: string } | null,
): Promise<ParticipantPage> {
  if (!group) return listParticipants(token, studyId, { limit: PAGE_SIZE, ...page });
  const found: ParticipantPage['participants'] = [];
  let after = page.after;
  for (let read = 0; read < SCAN_PAGES; read += 1) {
    const next = await listParticipants(token, studyId, { limit: SCAN_PAGE_SIZE, ...(after ? { after } : {}), ...(page.prefix ? { prefix: page.prefix } : {}) });
    found.push(...next.participants.filter((p) => p.attributes[group.attribute] === group.value));
    after = next.next ?? undefined;
    if (!after || found.length >= PAGE_SIZE) break;
  }
  return { participants: found, next: after ?? null };
}

export function ParticipantList(props: {
  study: Study;
  version: number;
  onReissue(waveId: string, codes: string[], delivery: Delivery, confirmRecentContactChanges?: boolean): Promise<void>;
}) {
  const { study } = props;
  const { token, explain } = useSession();
  const waves = [...study.waves].sort((a, b) => a.ordinal - b.ordinal);
  const groups = groupChoices(study);
  const [prefix, setPrefix] = useState('');
  const [search, setSearch] = useState('');
  const [groupChoice, setGroupChoice] = useState('');
  /** The group shown (ungrouped members of a study with groups); '' for all. */
  const [group, setGroup] = useState('');
  /** A reissue by email the server held back: the address changed in the last 24 hours. */
  const [recent, setRecent] = useState<{ waveId: string; waveName: string; code: string; codes: string[] } | null>(null);
  const pages = usePages();
  // With what it was asked for: the caption describes the rows on screen, not a search still on its way.
  const [page, setPage] = useState<(ParticipantPage & { search: string; group: string; number: number }) | null>(null);
  const action = useAction();
  const { setProblem } = action;
  const [delivery, setDelivery] = useState<Delivery>('sheet');
  const { after } = pages;

  const groupAttribute = groups?.attribute ?? null;
  useEffect(() => {
    let live = true;
    const only = group && groupAttribute ? { attribute: groupAttribute, value: group } : null;
    participantsPage(token, study.studyId, { ...(after ? { after } : {}), ...(search ? { prefix: search } : {}) }, only).then(
      (p) => {
        if (!live) return;
        setPage({ ...p, search, group, number: pages.number });
        setProblem(null);
      },
      (error: unknown) => live && setProblem(toProblem(error, explain)),
    );
    return () => {
      live = false;
    };
  }, [token, study.studyId, explain, after, pages.number, search, group, groupAttribute, props.version, setProblem]);

  const reissue = (waveId: string, code: string, confirmRecentContactChanges = false) =>
    action.run(
      async () => {
        await props.onReissue(waveId, [code], delivery, confirmRecentContactChanges);
        setRecent(null);
      },
      {
        onError: (error, asProblem) => {
          const codes = recentlyChangedCodes(error);
          setRecent(codes ? { waveId, waveName: waves.find((w) => w.waveId === waveId)?.name.en ?? waveId, code, codes } : null);
          return codes ? null : asProblem(error);
        },
      },
    );

  const groupName = page?.group ? groupLabel(study, page.group) : null;
  return (
    <section id="participant-list" className="console-card" aria-labelledby="participant-list-heading">
      <h2 id="participant-list-heading">Participants</h2>
      <GroupNote study={study} />
      {groups && (
        <GroupFilter
          label="Participants of group"
          everyone="All groups"
          hiddenShow="the participants of this group"
          groups={groups}
          chosen={groupChoice}
          onChoose={setGroupChoice}
          onShow={() => {
            setGroup(groupChoice);
            pages.reset();
          }}
        />
      )}
      <form
        className="console-inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(prefix.trim());
          pages.reset();
        }}
      >
        <label>
          Find participant code (starts with)
          <input value={prefix} onChange={(e) => setPrefix(e.target.value)} />
        </label>
        <button type="submit" className="console-link-button">
          Find
        </button>
        <label>
          Reissued links go
          <select
            value={delivery}
            onChange={(e) => {
              setDelivery(e.target.value as Delivery);
              setRecent(null);
            }}
          >
            <option value="sheet">on a link sheet</option>
            <option value="email">by email</option>
          </select>
        </label>
      </form>
      {recent && (
        <RecentContactChanges
          id="recent-reissue"
          codes={recent.codes}
          forWhat={`the ${recent.waveName} link to ${recent.code} by email`}
          busy={action.busy}
          onSend={() => void reissue(recent.waveId, recent.code, true)}
          onCancel={() => setRecent(null)}
        />
      )}
      <ProblemBox problem={action.problem} />
      {page && page.participants.length === 0 && (
        <p>
          {page.search ? `No participant code starts with ${page.search}${groupName ? ` in ${groupName}` : ''}.` : groupName ? `No participants of ${groupName}.` : 'No participants yet.'}
        </p>
      )}
      {page && page.participants.length > 0 && (
        <>
          <div className="console-table-wrap console-participants">
            <table className="console-table">
              <caption>
                Participants{groupName ? ` of ${groupName}` : ''}
                {page.search ? ` whose code starts with ${page.search}` : ''}, page {page.number}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Participant</th>
                  <th scope="col">Attributes</th>
                  <th scope="col">Contact held</th>
                  {waves.map((w) => (
                    <th key={w.waveId} scope="col">
                      {w.name.en}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {page.participants.map((p) => (
                  <tr key={p.participantCode}>
                    <th scope="row">
                      {p.participantCode}
                      {p.withdrawn && <span className="muted"> (withdrawn)</span>}
                    </th>
                    <td>
                      {Object.entries(p.attributes)
                        .map(([k, v]) => `${k}=${v}`)
                        .join(', ')}
                    </td>
                    <td>{[p.contact.email ? 'email' : null, p.contact.phone ? 'phone' : null].filter(Boolean).join(', ') || 'none'}</td>
                    {waves.map((w) => {
                      const standing = p.waves[w.waveId];
                      return (
                        <td key={w.waveId}>
                          {STATUS_LABELS[standing?.status ?? 'not_invited']}
                          {standing?.delivery === 'email' && <span className="muted"> · emailed</span>}
                          {!p.withdrawn && (
                            <>
                              {' '}
                              <button
                                type="button"
                                className="console-link-button"
                                disabled={action.busy || (delivery === 'email' && !p.contact.email)}
                                onClick={() => void reissue(w.waveId, p.participantCode)}
                              >
                                {standing?.delivery ? 'Reissue' : 'Issue'}
                                <span className="visually-hidden">
                                  {' '}
                                  {w.name.en} link for {p.participantCode}
                                </span>
                              </button>
                            </>
                          )}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager pages={pages} next={page.next} what="participants" always />
        </>
      )}
    </section>
  );
}
