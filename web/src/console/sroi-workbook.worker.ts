/** The .xlsx impact map, in a Web Worker of its own: exceljs is large and only fetched when it is asked for. */
import { sroiWorkbook } from '../../../sroi/workbook.js';
import type { WorkbookReply, WorkbookRequest, WorkerScope } from './sroiWorkerTypes';

const scope = self as unknown as WorkerScope<WorkbookRequest, WorkbookReply>;

scope.onmessage = (event) => {
  sroiWorkbook(event.data.result).then(
    (bytes) => scope.postMessage({ kind: 'workbook', bytes }, [bytes.buffer]),
    (error: unknown) => scope.postMessage({ kind: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
};
