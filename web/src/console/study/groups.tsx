/**
 * Data access groups on a study's page. A member placed in a group is told so
 * wherever participants are counted or listed (the server already limits what
 * they get); an ungrouped member of a study with groups can look at one group.
 */
import { groupLabel, type Study } from '../ui';

/** The caller is placed in a data access group: the server gives them that group's participants only. */
export function GroupNote({ study }: { study: Study }) {
  if (!study.group) return null;
  return <p className="notice console-group-note">You see participants of {groupLabel(study, study.group)} only.</p>;
}

export type GroupChoices = { attribute: string; values: { value: string; label: string }[] };

/** The groups an ungrouped member may look at one at a time; null when the study has none or the caller is placed in one. */
export function groupChoices(study: Study): GroupChoices | null {
  if (study.group || !study.groupBy || study.groups.length === 0) return null;
  return { attribute: study.groupBy, values: study.groups.map((value) => ({ value, label: groupLabel(study, value) })) };
}

/** A choice of one data access group (or all), for members who see the whole study. */
export function GroupFilter(props: { label: string; everyone: string; hiddenShow: string; groups: GroupChoices; chosen: string; onChoose(value: string): void; onShow(): void }) {
  return (
    <form
      className="console-inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        props.onShow();
      }}
    >
      <label>
        {props.label}
        <select value={props.chosen} onChange={(e) => props.onChoose(e.target.value)}>
          <option value="">{props.everyone}</option>
          {props.groups.values.map((g) => (
            <option key={g.value} value={g.value}>
              {g.label}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="console-link-button">
        Show<span className="visually-hidden"> {props.hiddenShow}</span>
      </button>
    </form>
  );
}
