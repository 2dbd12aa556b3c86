import { PageLink, exportsPath, sroiPath, type Study } from './ui';

/**
 * A study's page as an analyst sees it: the design (waves and the instrument
 * versions they pin, which SROI models name) and the way to its exports and
 * SROI analysis. No participant lists, links, answers or contacts.
 */
export function AnalystStudyPage(props: { study: Study }) {
  const { study } = props;
  const waves = [...study.waves].sort((a, b) => a.ordinal - b.ordinal);
  return (
    <>
      <h1>
        {study.title.en} <span className="muted">{study.studyId}</span>
      </h1>
      <p>As an analyst you work with this study's anonymised data: export it as a dataset, and run a social return on investment analysis on an export.</p>
      <ul className="console-analysis-links">
        <li>
          <PageLink to={exportsPath(study.studyId)}>Dataset exports</PageLink>
          : start an anonymised export, follow its progress and download it.
        </li>
        <li>
          <PageLink to={sroiPath(study.studyId)}>SROI analysis</PageLink>
          : value the study's outcomes from an export and an SROI model.
        </li>
      </ul>
      <section className="console-card" aria-labelledby="analyst-waves-heading">
        <h2 id="analyst-waves-heading">Waves</h2>
        {waves.length === 0 ? (
          <p>No waves yet.</p>
        ) : (
          <table className="console-table">
            <caption>Waves of {study.title.en}</caption>
            <thead>
              <tr>
                <th scope="col">Ordinal</th>
                <th scope="col">Wave (id)</th>
                <th scope="col">Instruments</th>
              </tr>
            </thead>
            <tbody>
              {waves.map((wave) => (
                <tr key={wave.waveId}>
                  <td>{wave.ordinal}</td>
                  <td>
                    {wave.name.en} <span className="muted">({wave.waveId})</span>
                  </td>
                  <td>{wave.instruments.map((i) => `${i.id} ${i.version}`).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
