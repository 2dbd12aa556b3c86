/**
 * A study's members page: who may see and do what in this study, and the data
 * access groups they are placed in. Every member can read it; owners (and
 * platform admins, to help a team) add members, change a member's role or
 * group, and remove members. A platform admin who is not a member can add
 * themselves here; the server audits it and marks them on this page.
 *
 * The server has the last word on every change (the platform role caps the
 * study role, a study keeps at least one owner, owners are never placed in a
 * group): its refusals are shown as they come.
 */
import { useCallback, useState, type FormEvent } from 'react';
import type { Member, MemberList, StudyRole } from '../../../../functions/contracts/members.js';
import { addMember, listMembers, removeMember } from '../consoleApi';
import { ProblemBox, formatDateTime, groupLabel, toProblem, useAction, useLoad, useSession, type Problem, type Study } from '../ui';

const STUDY_ROLES: StudyRole[] = ['owner', 'researcher', 'analyst'];
const ROLE_TEXT: Record<StudyRole, string> = { owner: 'Owner', researcher: 'Researcher', analyst: 'Analyst' };
const WHOLE_STUDY = 'Whole study';

/** Owners first, then by email. */
const byStanding = (a: Member, b: Member) => Number(b.role === 'owner') - Number(a.role === 'owner') || a.email.localeCompare(b.email);

export function MembersPage(props: { study: Study; onMembershipChanged(): void }) {
  const { study, onMembershipChanged } = props;
  const { token, role: platformRole } = useSession();
  const load = useCallback(() => listMembers(token, study.studyId), [token, study.studyId]);
  const { data: list, problem, reload } = useLoad<MemberList>(load);

  // A change can be the caller's own (an admin adding themselves, an owner stepping down): the study list says what they may do now.
  const changed = useCallback(() => {
    reload();
    onMembershipChanged();
  }, [reload, onMembershipChanged]);

  const canManage = study.role === 'owner' || platformRole === 'admin';
  const groupBy = list?.groupBy ?? study.groupBy;
  const groups = (list?.groups ?? study.groups).map((value) => ({ value, label: groupLabel(study, value) }));

  return (
    <>
      <h1>
        Members <span className="muted">{study.title.en}</span>
      </h1>
      <p>
        Only members see a study. <strong>Owners</strong> manage its settings, waves and members, and may do everything else; <strong>researchers</strong> work with
        participants (links, progress, check-ins, withdrawals and contact details); <strong>analysts</strong> work with anonymised exports and the SROI analysis only.
      </p>
      <p>
        {groupBy ? (
          <>
            Data access groups: participants are grouped by <code>{groupBy}</code> ({groups.map((g) => g.label).join(', ')}). A member placed in a group sees only that
            group's participants; owners and members with no group see the whole study.
          </>
        ) : (
          <>This study has no data access groups: every member sees all of its participants that their role allows.</>
        )}
      </p>
      {study.role === null && (
        <section className="console-card" aria-labelledby="add-me-heading">
          <p className="notice">You are not a member of this study. Reading its participants, answers or data needs membership, even for a platform admin.</p>
          <AddMeForm study={study} onAdded={changed} />
        </section>
      )}
      <ProblemBox problem={problem} />
      {list === null && !problem && <p className="muted">Loading members…</p>}
      {list && <MembersTable study={study} members={list.members} groups={groups} canManage={canManage} onChanged={changed} />}
      {canManage ? <AddMemberForm study={study} members={list?.members ?? []} groups={groups} onChanged={changed} /> : <p className="muted">The study's owners add and change its members.</p>}
    </>
  );
}

type Group = { value: string; label: string };

function MembersTable(props: { study: Study; members: Member[]; groups: Group[]; canManage: boolean; onChanged(): void }) {
  const { explain } = useSession();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const groupName = (value: string | undefined) => (value ? (props.groups.find((g) => g.value === value)?.label ?? value) : WHOLE_STUDY);
  const members = [...props.members].sort(byStanding);
  const report = (outcome: { done: string } | { problem: unknown }) => {
    if ('done' in outcome) {
      setProblem(null);
      setDone(outcome.done);
      props.onChanged();
    } else {
      setDone(null);
      setProblem(toProblem(outcome.problem, explain));
    }
  };

  return (
    <section className="console-card" aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      <ProblemBox problem={problem} />
      {done && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
      <div className="console-table-wrap">
        <table className="console-table console-members">
          <caption>Members of {props.study.title.en}</caption>
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Role</th>
              <th scope="col">Group</th>
              <th scope="col">Added</th>
              {props.canManage && <th scope="col">Change</th>}
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <tr key={member.userId}>
                <th scope="row">
                  {member.email}
                  {member.selfAddedAdmin && (
                    <>
                      {' '}
                      <span className="console-badge console-badge-admin">Admin added themselves</span>
                    </>
                  )}
                </th>
                <td>{member.role === 'owner' ? <strong>{ROLE_TEXT.owner}</strong> : ROLE_TEXT[member.role]}</td>
                <td>{member.role === 'owner' ? WHOLE_STUDY : groupName(member.group)}</td>
                <td>{formatDateTime(member.addedAt)}</td>
                {props.canManage && (
                  <td>
                    <MemberChange studyId={props.study.studyId} member={member} groups={props.groups} onOutcome={report} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** One member's role and group, to change; and removal, after a confirmation. Outcomes are shown above the table. */
function MemberChange(props: { studyId: string; member: Member; groups: Group[]; onOutcome(outcome: { done: string } | { problem: unknown }): void }) {
  const { member } = props;
  const { token } = useSession();
  const [role, setRole] = useState<StudyRole>(member.role);
  const [group, setGroup] = useState(member.group ?? '');
  const action = useAction();
  const [confirming, setConfirming] = useState(false);
  const effectiveGroup = role === 'owner' ? '' : group;
  const unchanged = role === member.role && effectiveGroup === (member.group ?? '');
  const toTable = (error: unknown) => {
    props.onOutcome({ problem: error });
    return null;
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (unchanged) return;
    await action.run(
      async () => {
        await addMember(token, props.studyId, { email: member.email, role, ...(effectiveGroup ? { group: effectiveGroup } : {}) });
        const where = effectiveGroup ? `, ${props.groups.find((g) => g.value === effectiveGroup)?.label ?? effectiveGroup} only` : props.groups.length > 0 ? ', whole study' : '';
        props.onOutcome({ done: `${member.email} is now ${ROLE_TEXT[role].toLowerCase()}${where}. It applies from their next request.` });
      },
      { onError: toTable },
    );
  };

  const remove = () =>
    action.run(
      async () => {
        await removeMember(token, props.studyId, member.userId);
        props.onOutcome({ done: `${member.email} is no longer a member of this study. It applies from their next request.` });
      },
      {
        onError: (error) => {
          setConfirming(false);
          return toTable(error);
        },
      },
    );

  if (confirming) {
    const id = `remove-${member.userId}`;
    return (
      <div className="notice notice-warn console-confirm" role="alertdialog" aria-labelledby={`${id}-title`}>
        <p id={`${id}-title`}>Remove {member.email} from this study? They lose access at their next request.</p>
        <p className="console-buttons">
          <button type="button" className="button-danger" disabled={action.busy} onClick={() => void remove()}>
            Yes, remove {member.email}
          </button>
          <button type="button" className="console-link-button" disabled={action.busy} onClick={() => setConfirming(false)}>
            Cancel<span className="visually-hidden"> removing {member.email}</span>
          </button>
        </p>
      </div>
    );
  }

  return (
    <form className="console-inline-form" onSubmit={(e) => void save(e)}>
      <label>
        Role<span className="visually-hidden"> of {member.email}</span>
        <select value={role} onChange={(e) => setRole(e.target.value as StudyRole)}>
          <RoleOptions />
        </select>
      </label>
      {props.groups.length > 0 && (
        <label>
          Group<span className="visually-hidden"> of {member.email}</span>
          <select value={effectiveGroup} disabled={role === 'owner'} onChange={(e) => setGroup(e.target.value)}>
            <GroupOptions groups={props.groups} />
          </select>
        </label>
      )}
      <button type="submit" className="console-link-button" disabled={action.busy || unchanged}>
        Save<span className="visually-hidden"> the role and group of {member.email}</span>
      </button>
      <button type="button" className="console-link-button" disabled={action.busy} onClick={() => setConfirming(true)}>
        Remove<span className="visually-hidden"> {member.email}</span>
      </button>
    </form>
  );
}

function AddMemberForm(props: { study: Study; members: Member[]; groups: Group[]; onChanged(): void }) {
  const { token } = useSession();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<StudyRole>('researcher');
  const [group, setGroup] = useState('');
  const action = useAction();
  const [done, setDone] = useState<string | null>(null);
  const effectiveGroup = role === 'owner' ? '' : group;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    const address = email.trim();
    const before = props.members.find((m) => m.email.toLowerCase() === address.toLowerCase());
    await action.run(async () => {
      const result = await addMember(token, props.study.studyId, { email: address, role, ...(effectiveGroup ? { group: effectiveGroup } : {}) });
      const { member } = result;
      const where = member.group ? ` (${props.groups.find((g) => g.value === member.group)?.label ?? member.group} only)` : '';
      setDone(
        result.created
          ? `${member.email} added as ${ROLE_TEXT[member.role].toLowerCase()}${where}.`
          : before && before.role === member.role && (before.group ?? '') === (member.group ?? '')
            ? `${member.email} is already a member as ${ROLE_TEXT[member.role].toLowerCase()}${where}.`
            : `${member.email} is now ${ROLE_TEXT[member.role].toLowerCase()}${where}. It applies from their next request.`,
      );
      setEmail('');
      props.onChanged();
    });
  };

  return (
    <section className="console-card" aria-labelledby="add-member-heading">
      <form className="console-form" onSubmit={(e) => void submit(e)} aria-labelledby="add-member-heading">
        <h2 id="add-member-heading">Add a member</h2>
        <p className="muted console-hint" id="add-member-hint">
          The account must exist already (an admin adds accounts on the people page). Adding someone who is already a member changes their role or group.
        </p>
        <label>
          Email of the member
          <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} aria-describedby="add-member-hint" />
        </label>
        <label>
          Study role
          <select value={role} onChange={(e) => setRole(e.target.value as StudyRole)}>
            <RoleOptions />
          </select>
        </label>
        {props.groups.length > 0 && (
          <>
            <label>
              Data access group
              <select value={effectiveGroup} disabled={role === 'owner'} onChange={(e) => setGroup(e.target.value)} aria-describedby="add-member-group-hint">
                <GroupOptions groups={props.groups} />
              </select>
            </label>
            <p className="muted console-hint" id="add-member-group-hint">
              A member placed in a group sees only that group's participants. Owners always see the whole study.
            </p>
          </>
        )}
        <ProblemBox problem={action.problem} />
        {done && (
          <p className="notice" role="status">
            {done}
          </p>
        )}
        <button type="submit" className="button-primary" disabled={action.busy}>
          {action.busy ? 'Adding…' : 'Add member'}
        </button>
      </form>
    </section>
  );
}

/**
 * A platform admin adding themselves to a study they are not a member of
 * (with the email they signed in with, or, when the console doesn't know it,
 * as typed). Audited, and shown on the members page.
 */
export function AddMeForm(props: { study: Study; onAdded(): void }) {
  const { token, email } = useSession();
  const [typed, setTyped] = useState('');
  const [role, setRole] = useState<StudyRole>('researcher');
  const action = useAction();
  /** Added: the study is read again and this form goes; until then it stays busy, so it isn't sent twice. */
  const [added, setAdded] = useState(false);
  const busy = action.busy || added;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      await addMember(token, props.study.studyId, { email: (email ?? typed).trim(), role });
      setAdded(true);
      props.onAdded();
    });
  };

  return (
    <form className="console-form" onSubmit={(e) => void submit(e)} aria-labelledby="add-me-heading">
      <h2 id="add-me-heading">Add yourself to this study</h2>
      {email ? (
        <p>
          You are signed in as <strong>{email}</strong>.
        </p>
      ) : (
        <label>
          Your email (the one you sign in with)
          <input type="email" autoComplete="username" required value={typed} onChange={(e) => setTyped(e.target.value)} />
        </label>
      )}
      <label>
        Your role in this study
        <select value={role} onChange={(e) => setRole(e.target.value as StudyRole)} aria-describedby="add-me-hint">
          {STUDY_ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_TEXT[r]}
            </option>
          ))}
        </select>
      </label>
      <p className="muted console-hint" id="add-me-hint">
        Choose the least your task needs. You see the whole study (you are placed in no group); the study's members see that you added yourself.
      </p>
      <ProblemBox problem={action.problem} />
      <button type="submit" className="button-primary" disabled={busy}>
        {busy ? 'Adding…' : 'Add me to this study'}
      </button>
    </form>
  );
}

/** The study roles a member can be given, for the members table and the add form alike. */
function RoleOptions() {
  return (
    <>
      {STUDY_ROLES.map((r) => (
        <option key={r} value={r}>
          {ROLE_TEXT[r]}
        </option>
      ))}
    </>
  );
}

/** The study as a whole, then each data access group. */
function GroupOptions(props: { groups: Group[] }) {
  return (
    <>
      <option value="">{WHOLE_STUDY}</option>
      {props.groups.map((g) => (
        <option key={g.value} value={g.value}>
          {g.label}
        </option>
      ))}
    </>
  );
}
