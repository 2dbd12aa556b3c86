/**
 * The SROI analysis of a study, in the browser (analysts and admins). The
 * analyst chooses a finished export and a model file; the export's zip is
 * fetched through its download URL (recorded in the audit log) and handed to
 * a Web Worker (sroi.worker.ts), which unpacks scores.csv and codebook.json,
 * runs runSroi and draws the report. The spreadsheet is made by a second
 * worker, created only when it is asked for (exceljs is large). Nothing is
 * sent anywhere.
 */
import { useCallback, useEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import type { ExportJob } from '../../../../functions/contracts/exports.js';
import type { SroiResult } from '../../../../sroi/analysis.js';
import type { ModelProblem } from '../../../../sroi/model.js';
import exampleModelUrl from '../../../../docs/sroi-example-model.json?url';
import modelSchemaUrl from '../../../../docs/sroi-model.schema.json?url';
import { exportDownloadUrl, fetchExportZip, listExports } from '../consoleApi';
import { saveBlob } from '../linkSheet';
import type { SroiReply, SroiRequest, WorkbookReply, WorkbookRequest } from '../sroiWorkerTypes';
import { PageLink, ProblemBox, exportsPath, formatDateTime, toProblem, useAction, useSession, type Study } from '../ui';
type Model = { fileName: string; value: unknown };
/** A request to the analysis worker, without its id (added by `ask`). */
type Ask = { kind: 'check'; model: unknown } | { kind: 'run'; model: unknown; zip: Uint8Array };

const pounds = (value: number) => (value < 0 ? `−£${Math.abs(value).toFixed(2)}` : `£${value.toFixed(2)}`);

/** The analysis worker, started with the page and ended with it; one answer per request. */
function useSroiWorker(): (request: Ask) => Promise<SroiReply> {
  const worker = useRef<Worker | null>(null);
  const waiting = useRef(new Map<number, (reply: SroiReply) => void>());
  const nextId = useRef(1);
  useEffect(() => {
    const started = new Worker(new URL('../sroi.worker.ts', import.meta.url), { type: 'module', name: 'sroi' });
    started.onmessage = (event: MessageEvent<SroiReply>) => {
      waiting.current.get(event.data.id)?.(event.data);
      waiting.current.delete(event.data.id);
    };
    started.onerror = () => {
      for (const [id, answer] of waiting.current) answer({ id, kind: 'error', message: 'The analysis could not start in this browser.' });
      waiting.current.clear();
    };
    worker.current = started;
    return () => {
      started.terminate();
      worker.current = null;
    };
  }, []);
  return useCallback((request: Ask) => {
    const id = nextId.current++;
    return new Promise<SroiReply>((answer) => {
      if (!worker.current) return answer({ id, kind: 'error', message: 'The analysis is not ready: reload the page.' });
      waiting.current.set(id, answer);
      const message: SroiRequest = { ...request, id };
      worker.current.postMessage(message);
    });
  }, []);
}

/** The .xlsx impact map, made in a worker of its own (and so in a chunk of its own) when it is asked for. */
function makeWorkbook(result: SroiResult): Promise<Uint8Array> {
  const worker = new Worker(new URL('../sroi-workbook.worker.ts', import.meta.url), { type: 'module', name: 'sroi-workbook' });
  return new Promise<Uint8Array>((done, fail) => {
    worker.onmessage = (event: MessageEvent<WorkbookReply>) => {
      if (event.data.kind === 'workbook') done(event.data.bytes);
      else fail(new Error(event.data.message));
    };
    worker.onerror = () => fail(new Error('the spreadsheet could not be started in this browser'));
    const request: WorkbookRequest = { result };
    worker.postMessage(request);
  }).finally(() => worker.terminate());
}

export default function SroiView(props: { study: Study }) {
  const { study } = props;
  const { token, explain } = useSession();
  const [exports, setExports] = useState<ExportJob[] | null>(null);
  const [exportId, setExportId] = useState('');
  const [model, setModel] = useState<Model | null>(null);
  /** The model file passed its own checks (the dataset's are made when it runs). */
  const [modelOk, setModelOk] = useState(false);
  const [modelProblems, setModelProblems] = useState<ModelProblem[] | null>(null);
  /** Running the analysis (key 'run'), and the page's problem box. */
  const action = useAction();
  const { problem, setProblem } = action;
  /** What the running analysis is doing now, in words (set as each step starts). */
  const [stepText, setStepText] = useState('');
  const step = action.running('run') ? stepText : null;
  /** Making the spreadsheet: its failures go to the page's problem box. */
  const workbook = useAction();
  const [status, setStatus] = useState('');
  const [result, setResult] = useState<SroiResult | null>(null);
  const [html, setHtml] = useState('');
  /** Each export is downloaded once per visit: running a corrected model again reuses it. */
  const packages = useRef(new Map<string, Uint8Array>());
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const ask = useSroiWorker();

  useEffect(() => {
    let live = true;
    listExports(token, study.studyId).then(
      (list) => {
        if (!live) return;
        const done = list.exports.filter((job) => job.status === 'done');
        setExports(done);
        setExportId((chosen) => chosen || done[0]?.exportId || '');
      },
      (error: unknown) => live && setProblem(toProblem(error, explain)),
    );
    return () => {
      live = false;
    };
  }, [token, study.studyId, explain, setProblem]);

  useEffect(() => {
    if (result) resultHeading.current?.focus();
  }, [result]);

  const chooseModel = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.target;
    const file = input.files?.[0];
    setResult(null);
    setModelProblems(null);
    setProblem(null);
    setModelOk(false);
    if (!file) return setModel(null);
    let value: unknown;
    try {
      value = JSON.parse(await file.text());
    } catch (error) {
      setModel(null);
      setModelProblems([{ path: '(file)', message: `${file.name} isn't valid JSON: ${error instanceof Error ? error.message : 'it could not be read'}` }]);
      return;
    }
    // Cleared, so choosing the same file again after editing it reads it again.
    input.value = '';
    setModel({ fileName: file.name, value });
    const check = await ask({ kind: 'check', model: value });
    if (check.kind !== 'checked') {
      setProblem({ message: check.kind === 'error' ? check.message : 'The model could not be checked.', details: [] });
    } else if (check.problems.length > 0) {
      setModelProblems(check.problems);
      setStatus(`${file.name} has ${check.problems.length} problem${check.problems.length === 1 ? '' : 's'} to fix.`);
    } else {
      setModelOk(true);
      setStatus(`${file.name} is a valid model: ${check.title}.`);
    }
  };

  const run = async (event: FormEvent) => {
    event.preventDefault();
    if (!model || !modelOk || !exportId) return;
    setResult(null);
    setModelProblems(null);
    await action.run(
      async () => {
        let zip = packages.current.get(exportId);
        if (!zip) {
          setStepText('Downloading the export (recorded in the audit log)…');
          const link = await exportDownloadUrl(token, study.studyId, exportId);
          zip = await fetchExportZip(link.url);
          packages.current.set(exportId, zip);
        }
        setStepText('Calculating the indicators, the ratio and the sensitivity analysis…');
        const outcome = await ask({ kind: 'run', model: model.value, zip });
        if (outcome.kind === 'problems') {
          setModelProblems(outcome.problems);
          setStatus(`The analysis stopped: ${outcome.problems.length} problem${outcome.problems.length === 1 ? '' : 's'} to fix.`);
        } else if (outcome.kind === 'result') {
          setHtml(outcome.html);
          setResult(outcome.result);
          setStatus(`Done: SROI ratio ${pounds(outcome.result.headline.ratio)} : £1.`);
        } else {
          setProblem({ message: outcome.kind === 'error' ? outcome.message : 'The analysis gave no answer.', details: [] });
        }
      },
      { key: 'run' },
    );
  };

  const downloadWorkbook = async () => {
    if (!result) return;
    await workbook.run(
      async () => {
        const bytes = await makeWorkbook(result);
        saveBlob(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), 'sroi-impact-map.xlsx');
      },
      {
        onError: (error) => {
          setProblem({ message: `The spreadsheet could not be made: ${error instanceof Error ? error.message : 'unknown error'}`, details: [] });
          return null;
        },
      },
    );
  };

  const waves = [...study.waves].sort((a, b) => a.ordinal - b.ordinal);

  return (
    <>
      <h1>
        SROI analysis <span className="muted">{study.title.en}</span>
      </h1>
      <p>
        A social return on investment analysis of this study, worked out in your browser from one of its dataset exports and an SROI model: the impact map you write as a
        JSON file (stakeholders, the investment, and for each outcome its indicator, financial proxy, deadweight, attribution, displacement, drop-off and duration).
      </p>

      <section className="console-card" aria-labelledby="sroi-run-heading">
        <h2 id="sroi-run-heading">Run the analysis</h2>
        <form className="console-form console-form-wide" onSubmit={run}>
          {exports === null && !problem && <p className="muted">Loading the study's exports…</p>}
          {exports?.length === 0 && (
            <p className="notice">
              There is no finished export of this study yet.{' '}
              <PageLink to={exportsPath(study.studyId)}>Start one on the exports page</PageLink>
              .
            </p>
          )}
          {exports && exports.length > 0 && (
            <>
              <label>
                Dataset export
                <select value={exportId} onChange={(e) => setExportId(e.target.value)} aria-describedby="sroi-export-hint">
                  {exports.map((job) => (
                    <option key={job.exportId} value={job.exportId}>
                      {exportLabel(job)}
                    </option>
                  ))}
                </select>
              </label>
              <p id="sroi-export-hint" className="console-hint muted">
                Its scores.csv and codebook.json are read here, in your browser. Fetching the export is recorded in the audit log, like any download.
              </p>
            </>
          )}
          <label>
            SROI model (JSON file)
            <input type="file" accept=".json,application/json" onChange={(e) => void chooseModel(e)} aria-describedby="sroi-model-hint" />
          </label>
          <div id="sroi-model-hint" className="console-hint muted">
            <p>
              {model ? (
                <>
                  Chosen: <strong>{model.fileName}</strong>. If you change the file, choose it again.{' '}
                </>
              ) : null}
              Start from the <a href={exampleModelUrl} download="sroi-example-model.json">example model</a> (its{' '}
              <a href={modelSchemaUrl} download="sroi-model.schema.json">JSON Schema</a> lets your editor complete and check the file; keep them side by side). The example's
              figures marked REPLACE ME are placeholders.
            </p>
            <p>
              Indicators name this study's waves by id: {waves.map((w) => w.waveId).join(', ') || 'none yet'}. The example compares baseline with follow-up-2; change{' '}
              <code>fromWave</code> and <code>toWave</code> to suit.
            </p>
          </div>
          {modelProblems && <ModelProblems problems={modelProblems} />}
          <ProblemBox problem={problem} />
          <button type="submit" className="button-primary" disabled={!model || !modelOk || !exportId || step !== null}>
            {step ? 'Working…' : 'Run the analysis'}
          </button>
          {step && (
            <p className="muted" aria-hidden="true">
              {step}
            </p>
          )}
        </form>
      </section>

      <p role="status" aria-live="polite" className="console-live">
        {step ?? status}
      </p>

      {result && (
        <section className="console-card" aria-labelledby="sroi-result-heading">
          <h2 id="sroi-result-heading" ref={resultHeading} tabIndex={-1}>
            {result.model.title}
          </h2>
          {result.dataset?.synthetic && (
            <p>
              <span className="console-badge">SYNTHETIC</span> These figures come from made-up participants: use them to try the analysis, never to report.
            </p>
          )}
          <p className="sroi-headline">
            SROI ratio <strong>{pounds(result.headline.ratio)} : £1</strong>
          </p>
          <p>
            Every £1 invested creates {pounds(result.headline.ratio)} of social value in present-value terms. Monte Carlo 90% range {pounds(result.headline.monteCarloP5)} to{' '}
            {pounds(result.headline.monteCarloP95)}; one assumption at a time, {pounds(result.headline.oneWayLowest)} to {pounds(result.headline.oneWayHighest)}.
          </p>
          {result.dataset && (
            <p className="muted">
              Indicators from export {result.dataset.exportId}, made {formatDateTime(result.dataset.exportedAt)}; model {result.model.id} version {result.model.version}.
            </p>
          )}
          {result.warnings.length > 0 && (
            <div className="notice notice-warn">
              <p>Check before using these figures:</p>
              <ul>
                {result.warnings.map((warning, i) => (
                  <li key={i}>{warning}</li>
                ))}
              </ul>
            </div>
          )}
          <div className="console-buttons">
            <button type="button" className="button-primary" onClick={() => saveBlob(new Blob([html], { type: 'text/html;charset=utf-8' }), 'sroi-report.html')}>
              Download report (HTML)
            </button>
            <button type="button" className="button-primary" disabled={workbook.busy} onClick={() => void downloadWorkbook()}>
              {workbook.busy ? 'Preparing the spreadsheet…' : 'Download impact map (.xlsx)'}
            </button>
            <button
              type="button"
              className="button-primary"
              onClick={() => saveBlob(new Blob([`${JSON.stringify(result, null, 2)}\n`], { type: 'application/json' }), 'sroi.json')}
            >
              Download sroi.json
            </button>
          </div>
          <p className="console-hint muted console-after-button">
            The report is one self-contained page that prints cleanly; the spreadsheet reproduces every figure with live formulas; sroi.json holds every intermediate figure.
          </p>
          <iframe className="sroi-report-frame" title={`SROI report: ${result.model.title}`} sandbox="" srcDoc={html} />
        </section>
      )}
    </>
  );
}

function exportLabel(job: ExportJob): string {
  const summary = job.summary ? `, ${job.summary.participants.toLocaleString('en-GB')} participants${job.summary.synthetic ? ', SYNTHETIC' : ''}` : '';
  return `Export of ${formatDateTime(job.requestedAt)}${summary} (${job.exportId})`;
}

function ModelProblems({ problems }: { problems: ModelProblem[] }) {
  return (
    <div className="notice notice-warn" role="alert">
      <p>
        {problems.length === 1 ? 'One problem' : `${problems.length} problems`} to fix in the model (each names its field):
      </p>
      <ul className="console-problems">
        {problems.map((p, i) => (
          <li key={i}>
            <code>{p.path}</code>: {p.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
