/**
 * Messages between the SROI page and its workers. The analysis (full zod,
 * the SROI code, fflate) and the spreadsheet (exceljs) run in Web Workers:
 * bundled apart from the app, so none of their code, nor the parts of zod
 * that only they use, reaches the respondent page; and the Monte Carlo run
 * never freezes the page. Types only: nothing here is bundled.
 */
import type { SroiResult } from '../../../sroi/analysis.js';
import type { ModelProblem } from '../../../sroi/model.js';

export type SroiRequest =
  | { id: number; kind: 'check'; model: unknown }
  /** zip: a dataset package, as downloaded. */
  | { id: number; kind: 'run'; model: unknown; zip: Uint8Array };

export type SroiReply =
  | { id: number; kind: 'checked'; problems: ModelProblem[]; title: string | null }
  | { id: number; kind: 'problems'; problems: ModelProblem[] }
  | { id: number; kind: 'result'; result: SroiResult; html: string }
  /** The package could not be read, or something unexpected went wrong: a message for people. */
  | { id: number; kind: 'error'; message: string };

export type WorkbookRequest = { result: SroiResult };
export type WorkbookReply = { kind: 'workbook'; bytes: Uint8Array } | { kind: 'error'; message: string };

/** The part of a worker's global scope these workers use (the DOM lib types `self` as a window). */
export type WorkerScope<In, Out> = {
  onmessage: ((event: MessageEvent<In>) => void) | null;
  postMessage(message: Out, transfer?: Transferable[]): void;
};
