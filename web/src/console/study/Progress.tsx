/** Progress per wave (invited, opened, … withdrawn) and retention from baseline, for the whole study, one group or one attribute value. */
import { useCallback, useState } from 'react';
import type { StudyProgress } from '../../../../functions/contracts/participants.js';
import { studyProgress } from '../consoleApi';
import { ProblemBox, formatDateTime, groupLabel, useLoad, useSession, type Study } from '../ui';
import { GroupFilter, GroupNote, groupChoices } from './groups';
import { STATUS_ROWS } from './status';

export function ProgressSection(props: { study: Study; version: number }) {
  const { study, version } = props;
  const { token } = useSession();
  // The attributes the study declares (from the study list): filter by choosing, not by typing ids.
  const attributes = study.attributes.length > 0 ? study.attributes : null;
  const [attribute, setAttribute] = useState('');
  const [value, setValue] = useState('');
  const [filter, setFilter] = useState<{ attribute: string; value: string } | null>(null);
  const waveNames = new Map(study.waves.map((w) => [w.waveId, w.name.en]));
  const groups = groupChoices(study);
  const [group, setGroup] = useState('');

  // Not sent, but a change to either changes the counts: `version` (the study page's changes to participants) and the number of waves.
  const load = useCallback(() => studyProgress(token, study.studyId, filter), [token, study.studyId, filter, version, study.waves.length]);
  const { data: progress, problem, reload } = useLoad<StudyProgress>(load);

  const chosen = attributes?.find((a) => a.id === attribute);

  return (
    <section id="progress" className="console-card" aria-labelledby="progress-heading">
      <h2 id="progress-heading">Progress</h2>
      <GroupNote study={study} />
      {groups && (
        <GroupFilter
          label="Progress of group"
          everyone="Whole study"
          hiddenShow="the progress of this group"
          groups={groups}
          chosen={group}
          onChoose={setGroup}
          onShow={() => {
            setAttribute(group ? groups.attribute : '');
            setValue(group);
            setFilter(group ? { attribute: groups.attribute, value: group } : null);
          }}
        />
      )}
      <form
        className="console-inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter(attribute && value ? { attribute, value } : null);
        }}
      >
        {attributes ? (
          <>
            <label>
              Attribute
              <select
                value={attribute}
                onChange={(e) => {
                  setAttribute(e.target.value);
                  setValue('');
                }}
              >
                <option value="">(everyone)</option>
                {attributes.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.label.en}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Value
              <select value={value} onChange={(e) => setValue(e.target.value)} disabled={!chosen}>
                <option value="">(choose)</option>
                {chosen?.values.map((v) => (
                  <option key={v.value} value={v.value}>
                    {v.label.en}
                  </option>
                ))}
              </select>
            </label>
          </>
        ) : (
          <p className="muted">This study declares no participant attributes to filter by.</p>
        )}
        {attributes && (
          <>
            <button type="submit" className="console-link-button">
              Filter
            </button>
            <button
              type="button"
              className="console-link-button"
              onClick={() => {
                setAttribute('');
                setValue('');
                setGroup('');
                setFilter(null);
              }}
            >
              Everyone
            </button>
          </>
        )}
        <button type="button" className="console-link-button" onClick={reload}>
          Refresh progress
        </button>
      </form>
      <ProblemBox problem={problem} />
      {progress && (
        <>
          <p role="status">
            {progress.participants} participant{progress.participants === 1 ? '' : 's'}
            {progress.group ? ` in your group (${groupLabel(study, progress.group)})` : ''}
            {progress.filter ? ` with ${progress.filter.attribute} = ${progress.filter.value}` : progress.group ? '' : ' in the study'}.
          </p>
          {progress.waves.length === 0 && <p>No waves yet.</p>}
          <RetentionChart progress={progress} waveNames={waveNames} />
          {[...progress.waves]
            .sort((a, b) => a.ordinal - b.ordinal)
            .map((wave) => {
              const name = waveNames.get(wave.waveId) ?? wave.waveId;
              const max = Math.max(1, progress.participants);
              return (
                <div key={wave.waveId} className="console-progress-wave">
                  <h3>{name}</h3>
                  {wave.ordinal > 0 && <p>Retention from baseline: {retentionText(wave)}</p>}
                  <div className="console-progress-grid">
                    <table className="console-table">
                      <caption>Progress: {name}</caption>
                      <thead>
                        <tr>
                          <th scope="col">Status</th>
                          <th scope="col">Participants</th>
                        </tr>
                      </thead>
                      <tbody>
                        {STATUS_ROWS.map(([key, label]) => (
                          <tr key={key}>
                            <th scope="row">{label}</th>
                            <td>{wave.counts[key]}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                    <figure className="console-bars">
                      <figcaption>Chart: {name}</figcaption>
                      <ul>
                        {STATUS_ROWS.map(([key, label]) => (
                          <li key={key}>
                            <span className="console-bar-label">{label}</span>
                            <span className="console-bar-track">
                              <span className={`console-bar console-bar-${key}`} style={{ width: `${(wave.counts[key] / max) * 100}%` }} />
                            </span>
                            <span className="console-bar-value">{wave.counts[key]}</span>
                          </li>
                        ))}
                      </ul>
                    </figure>
                  </div>
                </div>
              );
            })}
        </>
      )}
    </section>
  );
}

/**
 * Retention from baseline to each follow-up as bars, with the numbers as
 * text in each row (the bars themselves are hidden from screen readers).
 */
function RetentionChart({ progress, waveNames }: { progress: StudyProgress; waveNames: Map<string, string> }) {
  const followUps = [...progress.waves].filter((w) => w.ordinal > 0).sort((a, b) => a.ordinal - b.ordinal);
  if (followUps.length === 0) return null;
  const baseline = progress.waves.find((w) => w.ordinal === 0);
  const base = baseline?.counts.completed ?? 0;
  return (
    <figure className="console-bars console-retention" aria-labelledby="retention-caption">
      <figcaption id="retention-caption">
        Chart: retention from baseline{base > 0 ? ` (${base} completed the baseline)` : ''}
      </figcaption>
      <ul>
        {followUps.map((wave) => {
          const name = waveNames.get(wave.waveId) ?? wave.waveId;
          const share = wave.retentionFromBaseline;
          return (
            <li key={wave.waveId}>
              <span className="console-bar-label">{name}</span>
              <span className="console-bar-track" aria-hidden="true">
                <span className="console-bar console-bar-retention" style={{ width: `${notYetOpen(wave) ? 0 : Math.round((share ?? 0) * 100)}%` }} />
              </span>
              <span className="console-bar-value">{notYetOpen(wave) ? 'not yet open' : share === null ? 'not yet' : `${Math.round(share * 100)}%`}</span>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}

type WaveProgress = StudyProgress['waves'][number];

/** A follow-up whose window has opened for nobody yet: 0% would read as everyone lost. */
const notYetOpen = (wave: WaveProgress) => wave.ordinal > 0 && wave.window.openedFor === 0;

function retentionText(wave: WaveProgress): string {
  if (notYetOpen(wave)) return `not yet open${wave.window.nextOpensAt ? ` (opens ${formatDateTime(wave.window.nextOpensAt)})` : ' (it opens for each participant a set time after their baseline)'}`;
  return wave.retentionFromBaseline === null ? 'not yet (nobody has completed the baseline)' : `${Math.round(wave.retentionFromBaseline * 100)}%`;
}
