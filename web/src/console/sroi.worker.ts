/**
 * The SROI analysis, in a Web Worker: checks a model, unpacks scores.csv and
 * codebook.json from a dataset package, runs runSroi and draws the HTML report.
 */
import { unzipSync } from 'fflate';
import { runSroi } from '../../../sroi/analysis.js';
import type { DatasetFiles } from '../../../sroi/indicators.js';
import { checkSroiModel } from '../../../sroi/model.js';
import { sroiReportHtml } from '../../../sroi/report-html.js';
import type { SroiReply, SroiRequest, WorkerScope } from './sroiWorkerTypes';

const DATASET_FILES = ['scores.csv', 'codebook.json'] as const;

class PackageProblem extends Error {}

/** scores.csv and codebook.json out of a dataset package (tolerating a folder around them, as the CLI does). */
function datasetFromZip(zip: Uint8Array): DatasetFiles {
  const baseName = (name: string) => name.split('/').pop() ?? name;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip, { filter: (file) => (DATASET_FILES as readonly string[]).includes(baseName(file.name)) });
  } catch {
    throw new PackageProblem("The downloaded export isn't a zip file that can be read.");
  }
  const decoder = new TextDecoder('utf-8');
  const text = new Map(Object.entries(entries).map(([name, bytes]) => [baseName(name), decoder.decode(bytes)]));
  const missing = DATASET_FILES.filter((name) => !text.has(name));
  if (missing.length > 0) throw new PackageProblem(`The export has no ${missing.join(' or ')}.`);
  return { scoresCsv: text.get('scores.csv')!, codebookJson: text.get('codebook.json')! };
}

const scope = self as unknown as WorkerScope<SroiRequest, SroiReply>;

scope.onmessage = (event) => {
  const request = event.data;
  try {
    if (request.kind === 'check') {
      const check = checkSroiModel(request.model);
      scope.postMessage(check.ok ? { id: request.id, kind: 'checked', problems: [], title: check.model.title } : { id: request.id, kind: 'checked', problems: check.problems, title: null });
      return;
    }
    const run = runSroi({ model: request.model, dataset: datasetFromZip(request.zip) });
    if (!run.ok) scope.postMessage({ id: request.id, kind: 'problems', problems: run.problems });
    else scope.postMessage({ id: request.id, kind: 'result', result: run.result, html: sroiReportHtml(run.result) });
  } catch (error) {
    const message = error instanceof PackageProblem ? error.message : `The analysis stopped unexpectedly: ${error instanceof Error ? error.message : String(error)}`;
    scope.postMessage({ id: request.id, kind: 'error', message });
  }
};
